namespace Nabla;

/// <summary>
/// Evaluates, once, the pure nodes whose inputs are all constants (TensorFlow's Grappler constant folding): the
/// weak C# scalars converted to a tensor's dtype, gradient seeds broadcast to a shape, a learning rate times a
/// constant. Each becomes a constant node holding its value; the nodes it made dead are pruned after.
/// </summary>
internal static class ConstantFolding
{
    // Results larger than this stay computed at run time: folding would keep a large buffer alive in the graph to
    // save a cheap op (a broadcast of a scalar to an activation's shape). Tracing keeps values known up to the same size.
    internal const int MaxFoldedElements = 1 << 16;

    public static void Run(FuncGraph graph)
    {
        var replacements = new Dictionary<GraphNode, SymbolicTensor>(ReferenceEqualityComparer.Instance);
        var nodes = new List<GraphNode>(graph.Nodes.Count);
        using var eager = ExecutionContext.Enter(ExecutionContext.Eager);
        using var tapes = TapeStack.Suspend();
        foreach (GraphNode node in graph.Nodes)
        {
            if (!Rewrite.IsPure(node) || node.Inputs.Length == 0 || !node.Output.Shape.IsFullyDefined
                || node.Output.Size > MaxFoldedElements || !AllConstant(node, replacements))
            {
                nodes.Add(node);
                continue;
            }

            var inputs = new Tensor[node.Inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                GraphNode input = replacements.TryGetValue(node.Inputs[i].Node, out SymbolicTensor? r) ? r.Node : node.Inputs[i].Node;
                inputs[i] = ((ConstantOp)input.Op).Value;
            }

            // The constant takes the folded node's place in program order (and its name).
            Tensor value = node.Op.Evaluate(inputs, node.Op.InferOutput(inputs));
            GraphNode constant = graph.NewConstantNode(value, node.Output.IsWeak, node.Name);
            replacements[node] = constant.Output;
            nodes.Add(constant);
        }

        graph.ReplaceNodes(nodes);
        Rewrite.ReplaceUses(graph, replacements);
    }

    private static bool AllConstant(GraphNode node, Dictionary<GraphNode, SymbolicTensor> replacements)
    {
        foreach (SymbolicTensor input in node.Inputs)
        {
            if (input.Node.Op is not ConstantOp && !replacements.ContainsKey(input.Node))
            {
                return false;
            }
        }

        return true;
    }
}
