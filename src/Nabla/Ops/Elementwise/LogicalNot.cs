using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise logical NOT of a bool tensor (no gradient).</summary>
    /// <exception cref="ArgumentException">When the input is not bool.</exception>
    public static Tensor LogicalNot(Tensor x) => LogicalNotOp.Instance.Call(x);
}

internal sealed class LogicalNotOp : ElementwiseUnaryOp, IUnaryTile<bool, bool>
{
    public static readonly LogicalNotOp Instance = new();

    private LogicalNotOp()
        : base("LogicalNot", DTypeSet.BoolOnly)
    {
    }

    // bool storage is one byte holding 0 or 1, so XOR with 1 negates it.
    public void ApplyTile(ReadOnlySpan<bool> x, Span<bool> y)
        => TensorPrimitives.Xor(MemoryMarshal.Cast<bool, byte>(x), (byte)1, MemoryMarshal.Cast<bool, byte>(y));

    // No gradient (a bool result).
    protected override Tensor? Derivative(Tensor x, Tensor y) => null;
}
