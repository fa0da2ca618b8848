using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise logical OR of two bool tensors, with broadcasting (no gradient).</summary>
    /// <exception cref="ArgumentException">When an input is not bool, or the shapes don't broadcast.</exception>
    public static Tensor LogicalOr(Tensor x, Tensor y) => LogicalOrOp.Instance.Call(x, y);
}

internal sealed class LogicalOrOp : LogicalBinaryOp<LogicalOrOp.Run>
{
    public static readonly LogicalOrOp Instance = new();

    private LogicalOrOp()
        : base("LogicalOr")
    {
    }

    // bool storage is one byte holding 0 or 1, so bitwise OR of the bytes is the logical OR.
    internal readonly struct Run : IBinaryRun<byte, byte, byte>
    {
        public static void RunRun(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> z) => TensorPrimitives.BitwiseOr(x, y, z);

        public static void RunScalar(ReadOnlySpan<byte> x, byte y, Span<byte> z) => TensorPrimitives.BitwiseOr(x, y, z);

        public static void ScalarRun(byte x, ReadOnlySpan<byte> y, Span<byte> z) => TensorPrimitives.BitwiseOr(y, x, z);
    }
}
