using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise arccosine (radians, in [0, pi]); NaN outside [-1, 1]. Its derivative is <c>-1 / sqrt(1 - x^2)</c>.</summary>
    public static Tensor Acos(Tensor x) => AcosOp.Instance.Call(x);
}

internal sealed class AcosOp : FloatUnaryOp<AcosOp.Kernel>
{
    public static readonly AcosOp Instance = new();

    private AcosOp()
        : base("Acos")
    {
    }

    // d acos(x) / dx = -1 / sqrt(1 - x^2).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Negative(Tf.Rsqrt(Tf.Subtract(1, Tf.Square(x))));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Acos(x, y);
    }
}
