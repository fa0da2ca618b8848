namespace Nabla;

/// <summary>
/// The value of a control-flow node while a plan or a replay runs: the several tensors it produced. Graph nodes
/// have one output each, so a node with several (a Cond's branch results, a WhileLoop's final loop variables) yields
/// this tuple, and one <see cref="TupleGetOp"/> node per result takes its element out (XLA's tuples in miniature).
/// </summary>
internal sealed class TupleTensor(Tensor[] items) : Tensor(Storage.Empty(DType.Bool), Shape.Scalar, DType.Bool, 0, isWeak: false)
{
    public Tensor[] Items { get; } = items;
}

/// <summary>Element <see cref="Index"/> of a control-flow node's results.</summary>
internal sealed class TupleGetOp(int index, TensorSpec spec) : GraphOp("TupleGet")
{
    public int Index { get; } = index;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => spec;

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => ((TupleTensor)inputs[0]).Items[Index];

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("TupleGet is evaluated, never computed into a buffer.");
}

/// <summary>
/// A graph node that runs sub-graphs (Cond, WhileLoop, a loop's gradient) and yields a <see cref="TupleTensor"/>.
/// Replaying it (a function inlined into another, a backward function traced from its forward graph) calls the
/// public control-flow entry again with the sub-graphs replayed as the branches, so eager replays run them and
/// traced replays build the node anew with its tape entries.
/// </summary>
internal interface ITupleOp
{
    /// <summary>The specs of the results.</summary>
    IReadOnlyList<TensorSpec> ResultSpecs { get; }

    /// <summary>Runs the node again through the current execution context on <paramref name="inputs"/>.</summary>
    Tensor[] Replay(Tensor[] inputs, GraphReplay.Options options);
}

/// <summary>Adding tuple nodes to a graph being traced.</summary>
internal static class TupleNodes
{
    /// <summary>Appends a node of <paramref name="op"/> on <paramref name="inputs"/> and one <see cref="TupleGetOp"/> per result; returns the results.</summary>
    public static SymbolicTensor[] Add<TOp>(TracingContext tracing, TOp op, IReadOnlyList<Tensor> inputs)
        where TOp : Op, ITupleOp
        => Add(tracing, op, inputs, out _);

    /// <summary>As <see cref="Add{TOp}(TracingContext, TOp, IReadOnlyList{Tensor})"/>, also giving the inputs as values of the graph.</summary>
    public static SymbolicTensor[] Add<TOp>(TracingContext tracing, TOp op, IReadOnlyList<Tensor> inputs, out SymbolicTensor[] symbolic)
        where TOp : Op, ITupleOp
    {
        symbolic = new SymbolicTensor[inputs.Count];
        for (int i = 0; i < symbolic.Length; i++)
        {
            symbolic[i] = tracing.ToGraph(inputs[i]);
        }

        SymbolicTensor tuple = tracing.Graph.AddNode(op, symbolic, new TensorSpec(Shape.Scalar, DType.Bool), isWeak: false, name: null);
        IReadOnlyList<TensorSpec> specs = op.ResultSpecs;
        var results = new SymbolicTensor[specs.Count];
        for (int k = 0; k < results.Length; k++)
        {
            results[k] = tracing.Graph.AddNode(new TupleGetOp(k, specs[k]), [tuple], specs[k], isWeak: false, name: null);
        }

        return results;
    }

    /// <summary>The tensors, as an array the graph executor can take as arguments.</summary>
    public static Tensor[] Slice(ReadOnlySpan<Tensor> inputs, int start, int count) => inputs.Slice(start, count).ToArray();
}
