using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise <c>atan2(y, x)</c> with broadcasting: the angle of the point (x, y) in [-π, π]. Note the
    /// argument order, <paramref name="y"/> first, as in TensorFlow's <c>tf.math.atan2(y, x)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">On a non-floating input, mismatched dtypes or incompatible shapes.</exception>
    public static Tensor Atan2(Tensor y, Tensor x) => Atan2Op.Instance.Call(y, x);
}

internal sealed class Atan2Op : FloatBinaryOp<Atan2Op.Kernel>
{
    public static readonly Atan2Op Instance = new();

    private Atan2Op()
        : base("Atan2")
    {
    }

    // TensorFlow's _Atan2Grad: with g = dz / (x² + y²), dy = x g and dx = -y g.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor y = inputs[0];
        Tensor x = inputs[1];
        Tensor g = Tf.Divide(upstream, Tf.Add(Tf.Multiply(x, x), Tf.Multiply(y, y)));
        result[0] = needsGradient[0] ? Tf.Multiply(x, g) : null;
        result[1] = needsGradient[1] ? Tf.Multiply(Tf.Negative(y), g) : null;
    }

    // The kernel's x is atan2's first argument (y) and its y the second (x).
    internal readonly struct Kernel : IFloatBinaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, z);

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, z);

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, z);
    }
}
