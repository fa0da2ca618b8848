using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise arcsine (radians, in [-pi/2, pi/2]); NaN outside [-1, 1]. Its derivative is <c>1 / sqrt(1 - x^2)</c>.</summary>
    public static Tensor Asin(Tensor x) => AsinOp.Instance.Call(x);
}

internal sealed class AsinOp : FloatUnaryOp<AsinOp.Kernel>
{
    public static readonly AsinOp Instance = new();

    private AsinOp()
        : base("Asin")
    {
    }

    // d asin(x) / dx = 1 / sqrt(1 - x^2) (TensorFlow: grad * rsqrt(1 - x^2)).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Rsqrt(Tf.Subtract(1, Tf.Square(x)));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Asin(x, y);
    }
}
