using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise logical NOT of a bool tensor (no gradient).</summary>
    /// <exception cref="ArgumentException">When the input is not bool.</exception>
    public static Tensor LogicalNot(Tensor x) => LogicalNotOp.Instance.Call(x);
}

internal sealed class LogicalNotOp : Op
{
    public static readonly LogicalNotOp Instance = new();

    private LogicalNotOp()
        : base("LogicalNot")
    {
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.BoolOnly, x.Shape);
        return new TensorSpec(x.Shape, DType.Bool);
    }

    // bool storage is one byte holding 0 or 1, so XOR with 1 negates it.
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => TensorPrimitives.Xor(
            MemoryMarshal.Cast<bool, byte>(inputs[0].Read<bool>()), (byte)1, MemoryMarshal.Cast<bool, byte>(output.Write<bool>()));

    // No gradient (a bool result): every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }
}
