namespace Nabla;

/// <summary>
/// Removes the nodes that neither an output nor a side effect (an assignment, a print) needs, as TensorFlow's
/// pruning does. Placeholders stay: they are the function's signature.
/// </summary>
internal static class Prune
{
    public static void Run(FuncGraph graph)
    {
        IReadOnlyList<GraphNode> nodes = graph.Nodes;
        var live = new HashSet<GraphNode>(ReferenceEqualityComparer.Instance);
        var work = new Stack<GraphNode>();
        foreach (SymbolicTensor output in graph.Outputs)
        {
            work.Push(output.Node);
        }

        foreach (GraphNode node in nodes)
        {
            if (node.HasSideEffect || node.Op is PlaceholderOp)
            {
                work.Push(node);
            }
        }

        while (work.Count > 0)
        {
            GraphNode node = work.Pop();
            if (!live.Add(node))
            {
                continue;
            }

            foreach (SymbolicTensor input in node.Inputs)
            {
                work.Push(input.Node);
            }
        }

        if (live.Count != nodes.Count)
        {
            graph.ReplaceNodes(nodes.Where(live.Contains));
        }
    }
}
