using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise inverse hyperbolic tangent; NaN outside [-1, 1], infinite at ±1. Its derivative is <c>1 / (1 - x^2)</c>.</summary>
    public static Tensor Atanh(Tensor x) => AtanhOp.Instance.Call(x);
}

internal sealed class AtanhOp : FloatUnaryOp<AtanhOp.Kernel>
{
    public static readonly AtanhOp Instance = new();

    private AtanhOp()
        : base("Atanh")
    {
    }

    // d atanh(x) / dx = 1 / (1 - x^2).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Reciprocal(Tf.Subtract(1, Tf.Square(x)));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atanh(x, y);
    }
}
