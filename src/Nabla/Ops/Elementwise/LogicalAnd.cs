using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise logical AND of two bool tensors, with broadcasting (no gradient).</summary>
    /// <exception cref="ArgumentException">When an input is not bool, or the shapes don't broadcast.</exception>
    public static Tensor LogicalAnd(Tensor x, Tensor y) => LogicalAndOp.Instance.Call(x, y);
}

internal sealed class LogicalAndOp : LogicalBinaryOp<LogicalAndOp.Run>
{
    public static readonly LogicalAndOp Instance = new();

    private LogicalAndOp()
        : base("LogicalAnd")
    {
    }

    // bool storage is one byte holding 0 or 1, so bitwise AND of the bytes is the logical AND.
    internal readonly struct Run : IBinaryRun<byte, byte, byte>
    {
        public static void RunRun(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z) => TensorPrimitives.BitwiseAnd(x, y, z);

        public static void RunScalar(ReadOnlySpan<byte> x, byte y, Span<byte> z) => TensorPrimitives.BitwiseAnd(x, y, z);

        public static void ScalarRun(byte x, ReadOnlySpan<byte> y, Span<byte> z) => TensorPrimitives.BitwiseAnd(y, x, z);
    }
}

/// <summary>A broadcasting op over two bool tensors computed on their 0/1 bytes (no gradient).</summary>
internal abstract class LogicalBinaryOp<TRun> : ElementwiseBinaryOp
    where TRun : IBinaryRun<byte, byte, byte>
{
    protected LogicalBinaryOp(string name)
        : base(name, DTypeSet.BoolOnly)
    {
    }

    /// <summary>
    /// Requires bool operands before the weak-value rule could turn a C# number into a bool (TensorFlow refuses
    /// <c>logical_and(b, 1)</c>), then unifies.
    /// </summary>
    protected override void ApplyDTypeRules(Span<Tensor> inputs)
    {
        DTypeRules.Require(Name, inputs[0].DType, Supported, inputs[0].Shape);
        DTypeRules.Require(Name, inputs[1].DType, Supported, inputs[1].Shape);
        base.ApplyDTypeRules(inputs);
    }

    public sealed override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        // No gradient (a bool result): every slot stays null.
    }

    protected sealed override void Compute(Tensor x, Tensor y, Tensor output)
        => Broadcasting.Binary<byte, byte, byte, TRun>(
            MemoryMarshal.Cast<bool, byte>(x.Read<bool>()), x.Shape.Dims,
            MemoryMarshal.Cast<bool, byte>(y.Read<bool>()), y.Shape.Dims,
            MemoryMarshal.Cast<bool, byte>(output.Write<bool>()), output.Shape.Dims);
}
