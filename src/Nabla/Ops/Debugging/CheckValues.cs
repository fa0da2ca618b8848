namespace Nabla;

/// <summary>
/// Passes its input through (sharing its buffer) after checking its values, throwing the check's message when they
/// are invalid: a label outside the class range, an index out of bounds. Eagerly the check runs at once; in a traced
/// function it is a graph node, so the check runs each time the graph runs, on that call's values, where reading the
/// values at trace time could not (they do not exist yet). TensorFlow's kernels do the same: the sparse cross-entropy
/// kernel rejects an out-of-range label when it runs.
/// </summary>
/// <remarks>
/// Stateful to the optimizer so a check on constant values is not folded away at trace time (it runs with the graph,
/// as its eager form runs with the call). No gradient flows through: the values checked are labels and indices.
/// </remarks>
internal sealed class CheckValuesOp : Op, IGraphStateful
{
    private readonly Action<Tensor> _check;

    /// <param name="name">The op the check belongs to, for the graph's printout.</param>
    /// <param name="check">Throws when the tensor's values are invalid; reads them with <see cref="Tensor.Read{T}"/>.</param>
    public CheckValuesOp(string name, Action<Tensor> check)
        : base(name)
        => _check = check;

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override int AliasedInput => 0;

    /// <summary>Runs the check on the values (a graph's executor calls it where the output view is pre-made).</summary>
    public void Check(Tensor values) => _check(values);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        _check(inputs[0]);
        return inputs[0].Alias(spec.Shape, spec.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("CheckValues aliases its input's buffer in Evaluate.");

    // The checked values are integers (labels, indices): nothing to differentiate.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }
}
