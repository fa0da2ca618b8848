namespace Nabla;

/// <summary>Replacing values in a graph: what folding and merging passes share.</summary>
internal static class Rewrite
{
    /// <summary>Makes every use of a replaced node's value (node inputs and graph outputs) use its replacement instead.</summary>
    public static void ReplaceUses(FuncGraph graph, Dictionary<GraphNode, SymbolicTensor> replacements)
    {
        if (replacements.Count == 0)
        {
            return;
        }

        foreach (GraphNode node in graph.Nodes)
        {
            SymbolicTensor[] inputs = node.Inputs;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (replacements.TryGetValue(inputs[i].Node, out SymbolicTensor? replacement))
                {
                    inputs[i] = replacement;
                }
            }
        }

        var outputs = new SymbolicTensor[graph.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            SymbolicTensor output = graph.Outputs[i];
            outputs[i] = replacements.TryGetValue(output.Node, out SymbolicTensor? replacement) ? replacement : output;
        }

        graph.SetOutputs(outputs);
    }

    /// <summary>Whether a pass may evaluate or merge the node: a pure op, not a graph input, constant, variable access, random draw or side effect.</summary>
    public static bool IsPure(GraphNode node) => IsPure(node.Op);

    /// <summary>Whether the op computes the same output from the same inputs, with no effect beyond it.</summary>
    public static bool IsPure(Op op) => op is not (PlaceholderOp or ConstantOp or IGraphStateful or IGraphSideEffect or GraphOp);
}
