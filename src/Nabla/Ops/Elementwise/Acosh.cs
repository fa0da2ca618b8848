using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise inverse hyperbolic cosine (non-negative); NaN below 1. Its derivative is <c>1 / sqrt(x^2 - 1)</c>, which is <c>1 / sinh(acosh(x))</c>.</summary>
    public static Tensor Acosh(Tensor x) => AcoshOp.Instance.Call(x);
}

internal sealed class AcoshOp : FloatUnaryOp<AcoshOp.Kernel>
{
    public static readonly AcoshOp Instance = new();

    private AcoshOp()
        : base("Acosh")
    {
    }

    // TensorFlow writes the derivative with the output: 1 / sinh(y), equal to 1 / sqrt(x^2 - 1).
    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Reciprocal(Tf.Sinh(y));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Acosh(x, y);
    }
}
