using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Floating-point <c>x^y</c> over spans, with TensorFlow's (C's <c>pow</c>) semantics: NaN for a negative base
/// and a non-integer exponent, <c>pow(x, 0) = 1</c> even for NaN, <c>pow(-0, 0.5) = +0</c>,
/// <c>pow(-inf, 0.5) = +inf</c>. A scalar exponent of 0, 1, 2, 0.5, -1 or 3 takes a vectorised exact shortcut
/// (for 3 on float64, <c>x*x*x</c>, within an ulp of <c>pow</c>); everything else goes to
/// <see cref="TensorPrimitives.Pow{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>.
/// </summary>
internal static class PowKernels
{
    public static void Pow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Pow(x, y, z);

    public static void Pow<T>(T x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Pow(x, y, z);

    public static void Pow<T>(ReadOnlySpan<T> x, T y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y == T.Zero)
        {
            z.Fill(T.One);
        }
        else if (y == T.One)
        {
            x.CopyTo(z);
        }
        else if (y == T.CreateTruncating(2))
        {
            TensorPrimitives.Multiply(x, x, z);
        }
        else if (y == T.CreateTruncating(-1))
        {
            TensorPrimitives.Divide(T.One, x, z);
        }
        else if (y == T.CreateTruncating(0.5))
        {
            SquareRoot(x, z);
        }
        else if (y == T.CreateTruncating(3))
        {
            Cube(x, z);
        }
        else
        {
            TensorPrimitives.Pow(x, y, z);
        }
    }

    /// <summary><c>pow(x, 0.5)</c>: the square root, except +0 for -0 and +inf for -inf.</summary>
    private static void SquareRoot<T>(ReadOnlySpan<T> x, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            ReadOnlySpan<Vector<T>> xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            Span<Vector<T>> zv = MemoryMarshal.Cast<T, Vector<T>>(z);
            var negativeInfinity = new Vector<T>(T.NegativeInfinity);
            var positiveInfinity = new Vector<T>(T.PositiveInfinity);
            for (int k = 0; k < xv.Length; k++)
            {
                Vector<T> v = xv[k] + Vector<T>.Zero;   // -0 + +0 is +0
                zv[k] = Vector.ConditionalSelect(Vector.Equals(v, negativeInfinity), positiveInfinity, Vector.SquareRoot(v));
            }

            i = xv.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            T v = x[i];
            z[i] = T.IsNegativeInfinity(v) ? T.PositiveInfinity : T.Sqrt(v + T.Zero);
        }
    }

    /// <summary><c>pow(x, 3)</c>: float32 is cubed in float64 (exact square, one rounding, as <c>pow</c> in float64 then narrowed).</summary>
    private static void Cube<T>(ReadOnlySpan<T> x, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> xf = MemoryMarshal.Cast<T, float>(x);
            Span<float> zf = MemoryMarshal.Cast<T, float>(z);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(xf);
                Span<Vector<float>> zv = MemoryMarshal.Cast<float, Vector<float>>(zf);
                for (int k = 0; k < xv.Length; k++)
                {
                    Vector.Widen(xv[k], out Vector<double> low, out Vector<double> high);
                    zv[k] = Vector.Narrow(low * low * low, high * high * high);
                }

                i = xv.Length * Vector<float>.Count;
            }

            for (; i < xf.Length; i++)
            {
                double v = xf[i];
                zf[i] = (float)(v * v * v);
            }

            return;
        }

        TensorPrimitives.Multiply(x, x, z);
        TensorPrimitives.Multiply(z, x, z);
    }
}
