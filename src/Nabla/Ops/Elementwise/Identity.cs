namespace Nabla;

public static partial class Tf
{
    /// <summary>The same values as a new tensor (a variable's current value, say); gradients pass through unchanged. Shares the buffer.</summary>
    public static Tensor Identity(Tensor x) => IdentityOp.Instance.Call(x);
}

internal sealed class IdentityOp : Op
{
    public override bool SupportsUnknownDims => true;

    public static readonly IdentityOp Instance = new();

    private IdentityOp()
        : base("Identity")
    {
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override int AliasedInput => 0;

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("Identity aliases its input's buffer in Evaluate.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = upstream;
}
