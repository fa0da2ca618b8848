using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <content>Register-blocked direct kernels for small products.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Small products with contiguous rows of op(B): C is computed in strips one or two vectors wide, four
    /// rows at a time, with the accumulators in registers for the whole k loop, so C is written exactly once
    /// and no call happens per element of A (which is what makes tiny products cheap). Two-vector strips keep
    /// eight independent FMA chains in flight, enough to hide the FMA latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SmallRowBlocked<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        int n = problem.N;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; j <= n - (2 * Vector256<T>.Count); j += 2 * Vector256<T>.Count)
            {
                SmallStrip256x2(problem, j);
            }

            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                SmallStrip256(problem, j);
            }
        }

        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            for (; j <= n - Vector128<T>.Count; j += Vector128<T>.Count)
            {
                SmallStrip128(problem, j);
            }
        }

        int m = problem.M, k = problem.K;
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                T sum = T.Zero;
                T* aRow = problem.A + (i * problem.RsA);
                T* bColumn = problem.B + j;
                for (int p = 0; p < k; p++)
                {
                    sum += aRow[p * problem.CsA] * bColumn[p * problem.RsB];
                }

                problem.C[(i * problem.Ldc) + j] = sum;
            }
        }
    }

    private static unsafe void SmallStrip256x2<T>(Problem<T> problem, int column)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, k = problem.K, w = Vector256<T>.Count;
        nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, ldc = problem.Ldc;
        T* c = problem.C + column;
        int i = 0;
        for (; i <= m - 4; i += 4)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector256<T> d0 = default, d1 = default, d2 = default, d3 = default;
            for (int p = 0; p < k; p++)
            {
                Vector256<T> lo = Vector256.Load(b), hi = Vector256.Load(b + w);
                Vector256<T> a0 = Vector256.Create(a[0]), a1 = Vector256.Create(a[rsA]);
                Vector256<T> a2 = Vector256.Create(a[2 * rsA]), a3 = Vector256.Create(a[3 * rsA]);
                c0 = MultiplyAdd(a0, lo, c0);
                d0 = MultiplyAdd(a0, hi, d0);
                c1 = MultiplyAdd(a1, lo, c1);
                d1 = MultiplyAdd(a1, hi, d1);
                c2 = MultiplyAdd(a2, lo, c2);
                d2 = MultiplyAdd(a2, hi, d2);
                c3 = MultiplyAdd(a3, lo, c3);
                d3 = MultiplyAdd(a3, hi, d3);
                a += csA;
                b += rsB;
            }

            T* target = c + (i * ldc);
            c0.Store(target);
            d0.Store(target + w);
            c1.Store(target + ldc);
            d1.Store(target + ldc + w);
            c2.Store(target + (2 * ldc));
            d2.Store(target + (2 * ldc) + w);
            c3.Store(target + (3 * ldc));
            d3.Store(target + (3 * ldc) + w);
        }

        for (; i < m; i++)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector256<T> lo = default, hi = default;
            for (int p = 0; p < k; p++)
            {
                Vector256<T> scale = Vector256.Create(a[p * csA]);
                lo = MultiplyAdd(scale, Vector256.Load(b + (p * rsB)), lo);
                hi = MultiplyAdd(scale, Vector256.Load(b + (p * rsB) + w), hi);
            }

            lo.Store(c + (i * ldc));
            hi.Store(c + (i * ldc) + w);
        }
    }

    private static unsafe void SmallStrip256<T>(Problem<T> problem, int column)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, k = problem.K;
        nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, ldc = problem.Ldc;
        T* c = problem.C + column;
        int i = 0;
        for (; i <= m - 4; i += 4)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int p = 0; p < k; p++)
            {
                Vector256<T> row = Vector256.Load(b);
                c0 = MultiplyAdd(Vector256.Create(a[0]), row, c0);
                c1 = MultiplyAdd(Vector256.Create(a[rsA]), row, c1);
                c2 = MultiplyAdd(Vector256.Create(a[2 * rsA]), row, c2);
                c3 = MultiplyAdd(Vector256.Create(a[3 * rsA]), row, c3);
                a += csA;
                b += rsB;
            }

            T* target = c + (i * ldc);
            c0.Store(target);
            c1.Store(target + ldc);
            c2.Store(target + (2 * ldc));
            c3.Store(target + (3 * ldc));
        }

        for (; i < m; i++)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector256<T> sum = default;
            for (int p = 0; p < k; p++)
            {
                sum = MultiplyAdd(Vector256.Create(a[p * csA]), Vector256.Load(b + (p * rsB)), sum);
            }

            sum.Store(c + (i * ldc));
        }
    }

    private static unsafe void SmallStrip128<T>(Problem<T> problem, int column)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, k = problem.K;
        nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, ldc = problem.Ldc;
        T* c = problem.C + column;
        int i = 0;
        for (; i <= m - 4; i += 4)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector128<T> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int p = 0; p < k; p++)
            {
                Vector128<T> row = Vector128.Load(b);
                c0 = MultiplyAdd(Vector128.Create(a[0]), row, c0);
                c1 = MultiplyAdd(Vector128.Create(a[rsA]), row, c1);
                c2 = MultiplyAdd(Vector128.Create(a[2 * rsA]), row, c2);
                c3 = MultiplyAdd(Vector128.Create(a[3 * rsA]), row, c3);
                a += csA;
                b += rsB;
            }

            T* target = c + (i * ldc);
            c0.Store(target);
            c1.Store(target + ldc);
            c2.Store(target + (2 * ldc));
            c3.Store(target + (3 * ldc));
        }

        for (; i < m; i++)
        {
            T* a = problem.A + (i * rsA);
            T* b = problem.B + column;
            Vector128<T> sum = default;
            for (int p = 0; p < k; p++)
            {
                sum = MultiplyAdd(Vector128.Create(a[p * csA]), Vector128.Load(b + (p * rsB)), sum);
            }

            sum.Store(c + (i * ldc));
        }
    }
}
