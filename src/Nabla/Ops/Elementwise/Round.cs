using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise rounding to the nearest integer, halves to even (as TensorFlow). Its gradient is zero.</summary>
    public static Tensor Round(Tensor x) => RoundOp.Instance.Call(x);
}

internal sealed class RoundOp : FloatUnaryOp<RoundOp.Kernel>
{
    public static readonly RoundOp Instance = new();

    private RoundOp()
        : base("Round")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.ZerosLike(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Round(x, y);
    }
}
