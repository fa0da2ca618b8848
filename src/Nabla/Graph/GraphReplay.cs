namespace Nabla;

/// <summary>
/// Runs a graph's nodes, in order, through the current execution context: eagerly (recorded by the tapes that
/// watch them), or into another graph being traced (a function called inside a function is inlined this way,
/// and a backward function is the replay of its forward graph under a tape). Not the fast path: a concrete
/// function called eagerly runs on its <see cref="GraphExecutor"/>.
/// </summary>
internal static class GraphReplay
{
    /// <summary>What a replay does with the graph's variables and side effects.</summary>
    /// <param name="VariableValues">
    /// When given, the values variables have for this replay (a backward function's inputs): reads take them,
    /// assignments update them, and no variable is touched.
    /// </param>
    /// <param name="SavedValues">Values to use for given nodes instead of running them (the random numbers a forward call drew).</param>
    /// <param name="SideEffects">Whether prints run (false in a backward function).</param>
    internal readonly record struct Options(
        Dictionary<Variable, Tensor>? VariableValues = null,
        Dictionary<GraphNode, Tensor>? SavedValues = null,
        bool SideEffects = true);

    /// <summary>Replays <paramref name="graph"/> on <paramref name="args"/> (one per placeholder) and returns its outputs.</summary>
    public static Tensor[] Run(FuncGraph graph, IReadOnlyList<Tensor> args, Options options)
    {
        var values = new Dictionary<GraphNode, Tensor>(graph.Nodes.Count, ReferenceEqualityComparer.Instance);
        ExecutionContext context = ExecutionContext.Current;
        foreach (GraphNode node in graph.Nodes)
        {
            Tensor? value = RunNode(node, args, values, options, context);
            if (value is not null)
            {
                values[node] = value;
            }
        }

        IReadOnlyList<SymbolicTensor> outputs = graph.Outputs;
        var result = new Tensor[outputs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = values[outputs[i].Node];
        }

        return result;
    }

    private static Tensor? RunNode(GraphNode node, IReadOnlyList<Tensor> args, Dictionary<GraphNode, Tensor> values, Options options, ExecutionContext context)
    {
        if (options.SavedValues is { } saved && saved.TryGetValue(node, out Tensor? savedValue))
        {
            return savedValue;
        }

        switch (node.Op)
        {
            case PlaceholderOp placeholder:
                return args[placeholder.Index];
            case ConstantOp constant:
                return constant.Value;
            case VariableReadOp read:
                return options.VariableValues is { } known && known.TryGetValue(read.Variable, out Tensor? current)
                    ? current
                    : context.ReadVariable(read.Variable);
            case AssignVariableOp assign:
                Tensor stored = values[node.Inputs[0].Node];
                if (options.VariableValues is { } map)
                {
                    map[assign.Variable] = stored;
                }
                else
                {
                    context.AssignVariable(assign.Variable, stored);
                }

                return stored;
            case PrintOp when !options.SideEffects:
                return null;
            case TupleGetOp get:
                return ((TupleTensor)values[node.Inputs[0].Node]).Items[get.Index];
            case ITupleOp tuple:
                return new TupleTensor(tuple.Replay(InputsOf(node, values), options));
            default:
                return context.Execute(node.Op is RandomOp random ? random.Redraw() : node.Op, InputsOf(node, values));
        }
    }

    private static Tensor[] InputsOf(GraphNode node, Dictionary<GraphNode, Tensor> values)
    {
        var inputs = new Tensor[node.Inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = values[node.Inputs[i].Node];
        }

        return inputs;
    }
}
