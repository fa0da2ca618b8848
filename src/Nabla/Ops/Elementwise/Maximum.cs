using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise maximum with broadcasting; a NaN in either operand gives NaN. The gradient follows
    /// TensorFlow's <c>x &gt;= y</c> mask: on a tie all of it goes to <paramref name="x"/>, so
    /// <c>Maximum(x, 0.0)</c> at 0 has gradient 1 (unlike Relu).
    /// </summary>
    /// <exception cref="ArgumentException">On a bool input, mismatched dtypes or incompatible shapes.</exception>
    public static Tensor Maximum(Tensor x, Tensor y) => MaximumOp.Instance.Call(x, y);
}

internal sealed class MaximumOp : NumericBinaryOp<MaximumOp.Kernel>
{
    public static readonly MaximumOp Instance = new();

    private MaximumOp()
        : base("Maximum")
    {
    }

    // TensorFlow's _MaximumGrad: xmask = x >= y; x gets the gradient where the mask holds, y elsewhere.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => MinMaxGradient.Route(Tf.GreaterEqual(inputs[0], inputs[1]), upstream, needsGradient, result);

    internal readonly struct Kernel : INumericBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => Vector256.Max(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => Vector512.Max(x, y);

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, z);

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, z);

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Max(y, x, z);
    }
}

/// <summary>The gradient routing shared by Maximum and Minimum (TensorFlow's <c>_MaximumMinimumGrad</c>).</summary>
internal static class MinMaxGradient
{
    /// <summary>Sends <paramref name="upstream"/> to x where <paramref name="xMask"/> holds and to y elsewhere.</summary>
    public static void Route(Tensor xMask, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor zeros = Tf.ZerosLike(upstream);
        result[0] = needsGradient[0] ? Tf.Where(xMask, upstream, zeros) : null;
        result[1] = needsGradient[1] ? Tf.Where(xMask, zeros, upstream) : null;
    }
}
