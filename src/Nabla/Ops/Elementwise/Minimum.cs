using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise minimum with broadcasting; a NaN in either operand gives NaN. The gradient follows
    /// TensorFlow's <c>x &lt;= y</c> mask: on a tie all of it goes to <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">On a bool input, mismatched dtypes or incompatible shapes.</exception>
    public static Tensor Minimum(Tensor x, Tensor y) => MinimumOp.Instance.Call(x, y);
}

internal sealed class MinimumOp : NumericBinaryOp<MinimumOp.Kernel>
{
    public static readonly MinimumOp Instance = new();

    private MinimumOp()
        : base("Minimum")
    {
    }

    // TensorFlow's _MinimumGrad (via _MaximumMinimumGrad): xmask = x <= y; x gets the gradient where the mask holds, y elsewhere.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => MinMaxGradient.Route(Tf.LessEqual(inputs[0], inputs[1]), upstream, needsGradient, result);

    internal readonly struct Kernel : INumericBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => Vector256.Min(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => Vector512.Min(x, y);

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, z);

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, z);

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Min(y, x, z);
    }
}
