namespace Nabla;

/// <summary>
/// <see cref="Tf.StopGradient"/>: the input's values (sharing its immutable buffer) with no gradient. Not recorded
/// on tapes, so what it returns is a constant to them; a graph node like any other when traced.
/// </summary>
internal sealed class StopGradientOp : Op
{
    public static readonly StopGradientOp Instance = new();

    private StopGradientOp()
        : base("StopGradient")
    {
    }

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override int AliasedInput => 0;

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("StopGradient aliases its input's buffer in Evaluate.");

    // No gradient flows through: every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }
}
