namespace Nabla;

/// <summary>
/// The tape entry for reading a variable: its output is the snapshot an op saw, its gradient flows unchanged
/// to the variable. It is only ever recorded, never dispatched.
/// </summary>
internal sealed class ReadVariableOp : Op
{
    public static readonly ReadVariableOp Instance = new();

    private ReadVariableOp()
        : base("ReadVariableOp")
    {
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("ReadVariableOp is recorded on tapes, never executed.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = upstream;
}
