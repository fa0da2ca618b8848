using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <content>The direct (unpacked) path for small and matrix-vector products.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Matrix-vector shapes (m = 1 or n = 1). These are memory-bound: there is no operand reuse for packing to
    /// exploit, and the MR×NR micro-tiles would waste up to MR (or NR) times the arithmetic on padding. The
    /// loop order is chosen for unit-stride vector access in the operands' orientation: row AXPYs over n for a
    /// row vector times a matrix, dot products over k when rows of op(A) and columns of op(B) are contiguous,
    /// and column AXPYs over m for a transposed A times a vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyMatrixVector<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, n = problem.N, k = problem.K;
        T* a = problem.A, b = problem.B, c = problem.C;
        nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, csB = problem.CsB, ldc = problem.Ldc;
        if (csB == 1 && n >= 8)
        {
            RowAxpy(problem);
        }
        else if (csA == 1 && rsB == 1)
        {
            MultiplyDots(problem);
        }
        else if (n == 1 && rsA == 1)
        {
            // C is a column vector (contiguous since n = 1) and columns of op(A) are contiguous.
            new Span<T>(c, m).Clear();
            for (int p = 0; p < k; p++)
            {
                Axpy(c, b[p * rsB], a + (p * csA), m);
            }
        }
        else if (csB == 1)
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

    /// <summary>
    /// C(i, j) = dot(row i of op(A), column j of op(B)); requires both to be contiguous along p
    /// (<c>CsA == 1</c> and <c>RsB == 1</c>, i.e. A not transposed and B transposed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyDots<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < problem.M; i++)
        {
            T* aRow = problem.A + (i * problem.RsA);
            T* cRow = problem.C + (i * problem.Ldc);
            for (int j = 0; j < problem.N; j++)
            {
                cRow[j] = Dot(aRow, problem.B + (j * problem.CsB), problem.K);
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
