namespace Nabla;

/// <summary>
/// Runs a concrete function's graph: each node's kernel in program order, with no tape and no dispatch through
/// the execution context. Variables are read and assigned when their nodes run; random nodes draw new numbers
/// on every run (their values can be saved for a backward function).
/// </summary>
internal sealed class GraphExecutor
{
    private readonly GraphNode[] _nodes;
    private readonly int[][] _inputs;
    private readonly int[] _outputs;
    private readonly int _maxInputs;

    public GraphExecutor(FuncGraph graph)
    {
        _nodes = [.. graph.Nodes];
        var index = new Dictionary<GraphNode, int>(_nodes.Length, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _nodes.Length; i++)
        {
            index[_nodes[i]] = i;
        }

        _inputs = new int[_nodes.Length][];
        for (int i = 0; i < _nodes.Length; i++)
        {
            SymbolicTensor[] inputs = _nodes[i].Inputs;
            _inputs[i] = new int[inputs.Length];
            for (int j = 0; j < inputs.Length; j++)
            {
                _inputs[i][j] = index[inputs[j].Node];
            }

            _maxInputs = Math.Max(_maxInputs, inputs.Length);
        }

        _outputs = new int[graph.Outputs.Count];
        for (int i = 0; i < _outputs.Length; i++)
        {
            _outputs[i] = index[graph.Outputs[i].Node];
        }

        StatefulNodes = [.. _nodes.Where(n => n.Op is RandomOp)];
    }

    /// <summary>The nodes whose values a backward function needs saved (random numbers), in program order.</summary>
    public GraphNode[] StatefulNodes { get; }

    /// <summary>Runs the graph on <paramref name="args"/>; appends the values of <see cref="StatefulNodes"/> to <paramref name="saved"/> when given.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> args, List<Tensor>? saved)
    {
        var values = new Tensor[_nodes.Length];
        var scratch = new Tensor[_maxInputs];
        for (int i = 0; i < _nodes.Length; i++)
        {
            GraphNode node = _nodes[i];
            int[] inputs = _inputs[i];
            for (int j = 0; j < inputs.Length; j++)
            {
                scratch[j] = values[inputs[j]];
            }

            ReadOnlySpan<Tensor> span = scratch.AsSpan(0, inputs.Length);
            switch (node.Op)
            {
                case PlaceholderOp placeholder:
                    values[i] = args[placeholder.Index];
                    break;
                case RandomOp random:
                    Op drawn = random.Redraw();
                    values[i] = drawn.Evaluate(span, drawn.InferOutput(span));
                    saved?.Add(values[i]);
                    break;
                default:
                    values[i] = node.Op.Evaluate(span, node.Op.InferOutput(span));
                    break;
            }
        }

        var result = new Tensor[_outputs.Length];
        for (int i = 0; i < result.Length; i++)
        {
            // Every output is a tensor object of its own, even where the graph returns an argument or a constant,
            // so tapes never see one object as both an input and an output of the call.
            Tensor value = values[_outputs[i]];
            result[i] = new Tensor(value.Buffer, value.Shape, value.DType, value.Size, isWeak: false);
        }

        return result;
    }
}
