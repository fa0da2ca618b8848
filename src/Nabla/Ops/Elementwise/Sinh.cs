using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise hyperbolic sine. Its derivative is <c>cosh(x)</c>.</summary>
    public static Tensor Sinh(Tensor x) => SinhOp.Instance.Call(x);
}

internal sealed class SinhOp : FloatUnaryOp<SinhOp.Kernel>
{
    public static readonly SinhOp Instance = new();

    private SinhOp()
        : base("Sinh")
    {
    }

    // d sinh(x) / dx = cosh(x).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Cosh(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sinh(x, y);
    }
}
