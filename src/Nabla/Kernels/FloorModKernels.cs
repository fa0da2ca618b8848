using System.Numerics;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Vectorised float32 floor modulo with TensorFlow's (Python's) result, bit for bit: <c>fmod(x, y)</c>, plus
/// <c>y</c> when that is non-zero and its sign differs from <c>y</c>'s; a zero result has the sign of <c>x</c>.
/// Computed in float64 as <c>x - floor(x / y) * y</c>, which is exact while |x / y| &lt; 2^28 (a float's 24
/// bits times a quotient's 28 fit in a double), then corrected by one <c>y</c> when the rounded quotient was
/// one too large. A block with a larger quotient, a zero divisor or a non-finite value goes element by element
/// through <see cref="Scalar"/>.
/// </summary>
internal static class FloorModKernels
{
    private const double MaxQuotient = 268435456; // 2^28

    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            Span<Vector<float>> zv = MemoryMarshal.Cast<float, Vector<float>>(z);
            for (int k = 0; k < zv.Length; k++)
            {
                if (!TryBlock(xv[k], yv[k], out zv[k]))
                {
                    ScalarRange(x, y, z, k * Vector<float>.Count, Vector<float>.Count);
                }
            }

            i = zv.Length * Vector<float>.Count;
        }

        ScalarRange(x, y, z, i, z.Length - i);
    }

    public static void Run(ReadOnlySpan<float> x, float y, Span<float> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> zv = MemoryMarshal.Cast<float, Vector<float>>(z);
            var ys = new Vector<float>(y);
            for (int k = 0; k < zv.Length; k++)
            {
                if (!TryBlock(xv[k], ys, out zv[k]))
                {
                    for (int j = k * Vector<float>.Count; j < (k + 1) * Vector<float>.Count; j++)
                    {
                        z[j] = Scalar(x[j], y);
                    }
                }
            }

            i = zv.Length * Vector<float>.Count;
        }

        for (; i < z.Length; i++)
        {
            z[i] = Scalar(x[i], y);
        }
    }

    public static void Run(float x, ReadOnlySpan<float> y, Span<float> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            Span<Vector<float>> zv = MemoryMarshal.Cast<float, Vector<float>>(z);
            var xs = new Vector<float>(x);
            for (int k = 0; k < zv.Length; k++)
            {
                if (!TryBlock(xs, yv[k], out zv[k]))
                {
                    for (int j = k * Vector<float>.Count; j < (k + 1) * Vector<float>.Count; j++)
                    {
                        z[j] = Scalar(x, y[j]);
                    }
                }
            }

            i = zv.Length * Vector<float>.Count;
        }

        for (; i < z.Length; i++)
        {
            z[i] = Scalar(x, y[i]);
        }
    }

    /// <summary>TensorFlow's floor modulo of one pair (the reference the vector blocks reproduce).</summary>
    public static float Scalar(float x, float y)
    {
        float r = x % y;
        return r != 0 && (r < 0) != (y < 0) ? r + y : r;
    }

    private static void ScalarRange(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, int start, int count)
    {
        for (int j = start; j < start + count; j++)
        {
            z[j] = Scalar(x[j], y[j]);
        }
    }

    private static bool TryBlock(Vector<float> x, Vector<float> y, out Vector<float> z)
    {
        Vector.Widen(x, out Vector<double> xLow, out Vector<double> xHigh);
        Vector.Widen(y, out Vector<double> yLow, out Vector<double> yHigh);
        bool ok = Half(xLow, yLow, out Vector<double> low) & Half(xHigh, yHigh, out Vector<double> high);
        z = Vector.Narrow(low, high);
        return ok;
    }

    private static bool Half(Vector<double> x, Vector<double> y, out Vector<double> r)
    {
        Vector<double> q = Vector.Floor(x / y);
        r = x - (q * y);

        // Exact while |q| < 2^28 and everything is finite (a NaN fails the compare, an infinite or zero divisor
        // makes q or r non-finite).
        bool ok = Vector.LessThanAll(Vector.Abs(q), new Vector<double>(MaxQuotient))
            && Vector.LessThanAll(Vector.Abs(r), new Vector<double>(double.MaxValue))
            && Vector.LessThanAll(Vector.Abs(y), new Vector<double>(double.PositiveInfinity));

        // The rounded quotient may be one too large: then r has the wrong sign for y; one y puts it back.
        Vector<long> wrongSign = ~Vector.Equals(r, Vector<double>.Zero)
            & ~Vector.Equals(Vector.LessThan(r, Vector<double>.Zero), Vector.LessThan(y, Vector<double>.Zero));
        r = Vector.ConditionalSelect(wrongSign, r + y, r);

        // A zero remainder has the sign of x (fmod's), whatever the subtraction gave.
        Vector<long> zero = Vector.Equals(r, Vector<double>.Zero);
        r = Vector.ConditionalSelect(zero, x & new Vector<double>(-0.0), r);
        return ok;
    }
}
