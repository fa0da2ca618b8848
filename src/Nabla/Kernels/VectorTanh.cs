using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// tanh over spans: <see cref="TensorPrimitives.Tanh{T}(ReadOnlySpan{T}, Span{T})"/>, with its values near zero
/// replaced. System.Numerics.Tensors 10.0's vectorized float path returns -5.96e-8 (-2^-24) for tanh(0) once a span
/// holds a full vector (4+ floats), and carries that absolute error to small inputs, where it is a large relative one;
/// it also breaks tanh's odd symmetry there. Below a cutoff (0.25 for float, 0.0625 for double) the odd Taylor
/// polynomial to x^13 is exact at ±0 and odd by construction; it is computed for whole vectors and selected where
/// it applies, so the fix costs a few vector operations per vector, no branch per element.
/// </summary>
internal static class VectorTanh
{
    // The odd Taylor series of tanh to x^13; the first omitted term, 0.00146 x^15, is below 5e-12 of tanh(x) for
    // |x| < 0.25 (the float cutoff) and below 1e-19 for |x| < 0.0625 (the double cutoff).
    private const double C3 = -1.0 / 3;
    private const double C5 = 2.0 / 15;
    private const double C7 = -17.0 / 315;
    private const double C9 = 62.0 / 2835;
    private const double C11 = -1382.0 / 155925;
    private const double C13 = 21844.0 / 6081075;

    private static double Cutoff<T>() => typeof(T) == typeof(float) ? 0.25 : 0.0625;

    private const int BlockLength = 256;

    // tanh(x) rounds to 1 in float32 from about 9.01 on (1 - tanh(x) < 2^-25); the register kernels clamp |x| here,
    // which keeps e^(-2|x|) a normal number.
    private const float Saturation = 9.5f;

    /// <summary>y = tanh(x); <paramref name="x"/> and <paramref name="y"/> may be the same span (the recurrent kernels work in place).</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!x.Overlaps(y))
        {
            TensorPrimitives.Tanh(x, y);
            FixNearZero(x, y);
            return;
        }

        // In place: the fix-up needs the inputs after TensorPrimitives has overwritten them, so keep a copy per block.
        Span<T> block = stackalloc T[BlockLength];
        for (int start = 0; start < x.Length; start += BlockLength)
        {
            int n = Math.Min(BlockLength, x.Length - start);
            Span<T> source = block[..n];
            x.Slice(start, n).CopyTo(source);
            TensorPrimitives.Tanh(source, y.Slice(start, n));
            FixNearZero(source, y.Slice(start, n));
        }
    }

    /// <summary>
    /// tanh of eight floats for the compiled fusion path: with m = e^(-2|x|) − 1 (<see cref="VectorExp.ExpM1NonPositive(Vector256{float})"/>,
    /// accurate relative to m down to subnormal x), tanh|x| = -m / (2 + m), the sign of x copied back. One exp-like
    /// polynomial and one division per register, no second polynomial for small |x| and no select between two
    /// results: where |x| is tiny, m is -2|x| exactly and the quotient is |x| exactly, so ±0 and subnormals come
    /// back unchanged as from the span kernel's Taylor branch. |x| is clamped at <see cref="Saturation"/>, where
    /// tanh rounds to 1 (±Inf give ±1); NaN is passed through. Within a few ulps of the span kernel (the fusion tests
    /// compare them), not bit for bit: that one is System.Numerics.Tensors' own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> sign = Vector256.Create(-0f);
        Vector256<float> m = VectorExp.ExpM1NonPositive(Vector256.Create(-2f) * Vector256.MinNative(x & ~sign, Vector256.Create(Saturation)));
        Vector256<float> magnitude = (m / (m + Vector256.Create(2f))) & ~sign;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), magnitude | (x & sign), x);
    }

    /// <summary>tanh of sixteen floats: <see cref="Tanh(Vector256{float})"/> on a Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> sign = Vector512.Create(-0f);
        Vector512<float> m = VectorExp.ExpM1NonPositive(Vector512.Create(-2f) * Vector512.MinNative(x & ~sign, Vector512.Create(Saturation)));
        Vector512<float> magnitude = (m / (m + Vector512.Create(2f))) & ~sign;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), magnitude | (x & sign), x);
    }

    private static void FixNearZero<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var cutoff = new Vector<T>(T.CreateTruncating(Cutoff<T>()));
            var c3 = new Vector<T>(T.CreateTruncating(C3));
            var c5 = new Vector<T>(T.CreateTruncating(C5));
            var c7 = new Vector<T>(T.CreateTruncating(C7));
            var c9 = new Vector<T>(T.CreateTruncating(C9));
            var c11 = new Vector<T>(T.CreateTruncating(C11));
            var c13 = new Vector<T>(T.CreateTruncating(C13));
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x[i..]);
                Vector<T> small = Vector.LessThan(Vector.Abs(v), cutoff);
                Vector<T> x2 = v * v;
                // x·(1 + x²·p(x²)), not x + x·x²·p: keeps the sign of -0 (x + x³p gives -0 + +0 = +0).
                Vector<T> poly = v * (Vector<T>.One + (x2 * (c3 + (x2 * (c5 + (x2 * (c7 + (x2 * (c9 + (x2 * (c11 + (x2 * c13))))))))))));
                Vector.ConditionalSelect(small, poly, new Vector<T>(y[i..])).CopyTo(y[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            T v = x[i];
            if (T.Abs(v) < T.CreateTruncating(Cutoff<T>()))
            {
                y[i] = Small(v);
            }
        }
    }

    private static T Small<T>(T v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T x2 = v * v;
        T tail = T.CreateTruncating(C9) + (x2 * (T.CreateTruncating(C11) + (x2 * T.CreateTruncating(C13))));
        return v * (T.One + (x2 * (T.CreateTruncating(C3) + (x2 * (T.CreateTruncating(C5) + (x2 * (T.CreateTruncating(C7) + (x2 * tail))))))));
    }
}
