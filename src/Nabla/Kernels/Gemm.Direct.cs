using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <content>The direct (unpacked) path for small and matrix-vector products.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Multiplies without packing, choosing the loop order that gives unit-stride vector access for the
    /// operands' orientation: row AXPYs over n when rows of op(B) are contiguous and wide enough, dot products
    /// over k when rows of op(A) and columns of op(B) are contiguous, column AXPYs over m for a transposed A
    /// times a vector, and a scalar loop for whatever remains (only reached for small products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyDirect<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, n = problem.N, k = problem.K;
        T* a = problem.A, b = problem.B, c = problem.C;
        nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, csB = problem.CsB, ldc = problem.Ldc;

        bool rowsOfBContiguous = csB == 1;
        if (rowsOfBContiguous && n >= 8)
        {
            RowAxpy(problem);
        }
        else if (csA == 1 && rsB == 1)
        {
            // C(i, j) = dot(row i of op(A), column j of op(B)), both contiguous along p.
            for (int i = 0; i < m; i++)
            {
                T* aRow = a + (i * rsA);
                T* cRow = c + (i * ldc);
                for (int j = 0; j < n; j++)
                {
                    cRow[j] = Dot(aRow, b + (j * csB), k);
                }
            }
        }
        else if (n == 1 && rsA == 1)
        {
            // C is a column vector (contiguous since n = 1) and columns of op(A) are contiguous.
            var column = new Span<T>(c, m);
            column.Clear();
            for (int p = 0; p < k; p++)
            {
                Axpy(c, b[p * rsB], a + (p * csA), m);
            }
        }
        else if (rowsOfBContiguous)
        {
            RowAxpy(problem);
        }
        else
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[(i * rsA) + (p * csA)] * b[(p * rsB) + (j * csB)];
                    }

                    c[(i * ldc) + j] = sum;
                }
            }
        }
    }

    /// <summary>C(i, :) = Σ_p op(A)(i, p) · op(B)(p, :), vectorized along the contiguous rows of op(B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowAxpy<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, n = problem.N, k = problem.K;
        for (int i = 0; i < m; i++)
        {
            T* aRow = problem.A + (i * problem.RsA);
            T* cRow = problem.C + (i * problem.Ldc);
            new Span<T>(cRow, n).Clear();
            for (int p = 0; p < k; p++)
            {
                Axpy(cRow, aRow[p * problem.CsA], problem.B + (p * problem.RsB), n);
            }
        }
    }

    /// <summary>y[0..length] += alpha · x[0..length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Axpy<T>(T* y, T alpha, T* x, int length)
        where T : unmanaged, INumberBase<T>
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && length >= Vector512<T>.Count)
        {
            Vector512<T> scale = Vector512.Create(alpha);
            for (; j <= length - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                MultiplyAdd(scale, Vector512.Load(x + j), Vector512.Load(y + j)).Store(y + j);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= Vector256<T>.Count)
        {
            Vector256<T> scale = Vector256.Create(alpha);
            for (; j <= length - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                MultiplyAdd(scale, Vector256.Load(x + j), Vector256.Load(y + j)).Store(y + j);
            }
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= Vector128<T>.Count)
        {
            Vector128<T> scale = Vector128.Create(alpha);
            for (; j <= length - Vector128<T>.Count; j += Vector128<T>.Count)
            {
                MultiplyAdd(scale, Vector128.Load(x + j), Vector128.Load(y + j)).Store(y + j);
            }
        }

        for (; j < length; j++)
        {
            y[j] += alpha * x[j];
        }
    }

    /// <summary>Returns Σ x[p]·y[p] for p &lt; length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe T Dot<T>(T* x, T* y, int length)
        where T : unmanaged, INumberBase<T>
    {
        int p = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && length >= Vector512<T>.Count)
        {
            // Two independent accumulators halve the dependency chain on the FMA latency.
            Vector512<T> acc0 = Vector512<T>.Zero, acc1 = Vector512<T>.Zero;
            int w = Vector512<T>.Count;
            for (; p <= length - (2 * w); p += 2 * w)
            {
                acc0 = MultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), acc0);
                acc1 = MultiplyAdd(Vector512.Load(x + p + w), Vector512.Load(y + p + w), acc1);
            }

            for (; p <= length - w; p += w)
            {
                acc0 = MultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), acc0);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= Vector256<T>.Count)
        {
            Vector256<T> acc0 = Vector256<T>.Zero, acc1 = Vector256<T>.Zero;
            int w = Vector256<T>.Count;
            for (; p <= length - (2 * w); p += 2 * w)
            {
                acc0 = MultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), acc0);
                acc1 = MultiplyAdd(Vector256.Load(x + p + w), Vector256.Load(y + p + w), acc1);
            }

            for (; p <= length - w; p += w)
            {
                acc0 = MultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= Vector128<T>.Count)
        {
            Vector128<T> acc = Vector128<T>.Zero;
            for (; p <= length - Vector128<T>.Count; p += Vector128<T>.Count)
            {
                acc = MultiplyAdd(Vector128.Load(x + p), Vector128.Load(y + p), acc);
            }

            sum = Vector128.Sum(acc);
        }

        for (; p < length; p++)
        {
            sum += x[p] * y[p];
        }

        return sum;
    }
}
