using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise hyperbolic cosine. Its derivative is <c>sinh(x)</c>.</summary>
    public static Tensor Cosh(Tensor x) => CoshOp.Instance.Call(x);
}

internal sealed class CoshOp : FloatUnaryOp<CoshOp.Kernel>
{
    public static readonly CoshOp Instance = new();

    private CoshOp()
        : base("Cosh")
    {
    }

    // d cosh(x) / dx = sinh(x).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Sinh(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cosh(x, y);
    }
}
