using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise arctangent (radians, in (-pi/2, pi/2)). Its derivative is <c>1 / (1 + x^2)</c>.</summary>
    public static Tensor Atan(Tensor x) => AtanOp.Instance.Call(x);
}

internal sealed class AtanOp : FloatUnaryOp<AtanOp.Kernel>
{
    public static readonly AtanOp Instance = new();

    private AtanOp()
        : base("Atan")
    {
    }

    // d atan(x) / dx = 1 / (1 + x^2).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Reciprocal(Tf.Add(1, Tf.Square(x)));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atan(x, y);
    }
}
