using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise inverse hyperbolic sine. Its derivative is <c>1 / sqrt(x^2 + 1)</c>, which is <c>1 / cosh(asinh(x))</c>.</summary>
    public static Tensor Asinh(Tensor x) => AsinhOp.Instance.Call(x);
}

internal sealed class AsinhOp : FloatUnaryOp<AsinhOp.Kernel>
{
    public static readonly AsinhOp Instance = new();

    private AsinhOp()
        : base("Asinh")
    {
    }

    // TensorFlow writes the derivative with the output: 1 / cosh(y), equal to 1 / sqrt(x^2 + 1).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Reciprocal(Tf.Cosh(y));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Asinh(x, y);
    }
}
