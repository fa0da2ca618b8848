using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>(x - y)²</c> with broadcasting (TensorFlow's <c>tf.math.squared_difference</c>).</summary>
    /// <exception cref="ArgumentException">On a bool input, mismatched dtypes or incompatible shapes.</exception>
    public static Tensor SquaredDifference(Tensor x, Tensor y) => SquaredDifferenceOp.Instance.Call(x, y);
}

internal sealed class SquaredDifferenceOp : NumericBinaryOp<SquaredDifferenceOp.Kernel>
{
    public static readonly SquaredDifferenceOp Instance = new();

    private SquaredDifferenceOp()
        : base("SquaredDifference")
    {
    }

    // TensorFlow's _SquaredDifferenceGrad: dx = 2 (x - y) dy, and dy gets its negation.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor dx = Tf.Multiply(upstream, Tf.Multiply(2, Tf.Subtract(inputs[0], inputs[1])));
        result[0] = needsGradient[0] ? dx : null;
        result[1] = needsGradient[1] ? Tf.Negative(dx) : null;
    }

    internal readonly struct Kernel : INumericBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => (x - y) * (x - y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => (x - y) * (x - y);

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            TensorPrimitives.Subtract(x, y, z);
            TensorPrimitives.Multiply(z, z, z);
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            TensorPrimitives.Subtract(x, y, z);
            TensorPrimitives.Multiply(z, z, z);
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            TensorPrimitives.Subtract(x, y, z);
            TensorPrimitives.Multiply(z, z, z);
        }
    }
}
