using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise reciprocal square root <c>1 / sqrt(x)</c>.</summary>
    public static Tensor Rsqrt(Tensor x) => RsqrtOp.Instance.Call(x);
}

internal sealed class RsqrtOp : FloatUnaryOp<RsqrtOp.Kernel>
{
    public static readonly RsqrtOp Instance = new();

    private RsqrtOp()
        : base("Rsqrt")
    {
    }

    protected override bool ZeroUpstreamGivesZero => true;

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Multiply(-0.5, Tf.Multiply(y, Tf.Square(y)));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.ReciprocalSqrt(x, y);
    }
}
