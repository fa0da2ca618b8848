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
internal abstract class LogicalBinaryOp<TRun> : ElementwiseBinaryOp, IBinaryTile<bool, bool>
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

    protected sealed override void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.NumericOrBool(default(Body), inputs, output, DType.Bool);

    public void ApplyTile(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> z) => TRun.RunRun(Bytes(x), Bytes(y), Bytes(z));

    public void ApplyTile(ReadOnlySpan<bool> x, bool y, Span<bool> z) => TRun.RunScalar(Bytes(x), y ? (byte)1 : (byte)0, Bytes(z));

    public void ApplyTile(bool x, ReadOnlySpan<bool> y, Span<bool> z) => TRun.ScalarRun(x ? (byte)1 : (byte)0, Bytes(y), Bytes(z));

    private static ReadOnlySpan<byte> Bytes(ReadOnlySpan<bool> x) => MemoryMarshal.Cast<bool, byte>(x);

    private static Span<byte> Bytes(Span<bool> x) => MemoryMarshal.Cast<bool, byte>(x);

    // Bools dispatch as their bytes, so T is byte here.
    private readonly struct Body : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, System.Numerics.INumber<T>
            => Broadcasting.Binary<byte, byte, byte, TRun>(
                MemoryMarshal.Cast<T, byte>(o.In(0)), o.Input(0).Shape.Dims,
                MemoryMarshal.Cast<T, byte>(o.In(1)), o.Input(1).Shape.Dims,
                MemoryMarshal.Cast<T, byte>(o.Out), o.Output.Shape.Dims);
    }
}
