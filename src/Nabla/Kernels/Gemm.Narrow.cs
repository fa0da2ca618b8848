using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <content>The narrow-output kernel: op(B) at most one 512-bit vector wide (a classifier's 10 logits).</content>
internal static partial class Gemm
{
    /// <summary>
    /// Products whose C has at most one Vector512 of columns (n ≤ 16 floats) and whose op(B) rows are
    /// contiguous, e.g. the last layer of a classifier (128×256 · 256×10) and its weight gradient. The blocked
    /// path pads such a B to its 32-column micro-panels and spends two thirds of its multiplies on zeros; here B
    /// is copied once into a zero-padded k × 16 scratch and each row of C is one accumulator vector, eight rows at
    /// a time so every B vector loaded feeds eight independent FMAs. Only the first n lanes are stored.
    /// </summary>
    /// <returns>False (and nothing done) where the kernel does not apply: no 512-bit vectors for T, or n wider than one.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool TryNarrow<T>(Problem<T> problem)
        where T : unmanaged, INumberBase<T>
    {
        if (!Vector512.IsHardwareAccelerated || !Vector512<T>.IsSupported)
        {
            return false;
        }

        int m = problem.M, n = problem.N, k = problem.K, width = Vector512<T>.Count;
        if (n > width)
        {
            return false;
        }

        T* padded = Scratch<T>.Get((long)k * width);
        for (int p = 0; p < k; p++)
        {
            T* row = problem.B + (p * problem.RsB);
            T* target = padded + (p * width);
            for (int j = 0; j < n; j++)
            {
                target[j] = row[j];
            }

            for (int j = n; j < width; j++)
            {
                target[j] = T.Zero;
            }
        }

        nint rsA = problem.RsA, csA = problem.CsA;
        int i = 0;
        for (; i <= m - 8; i += 8)
        {
            // Eight rows: eight independent FMA chains, enough to cover the FMA latency on two ports.
            T* a0 = problem.A + (i * rsA);
            Vector512<T> c0 = Vector512<T>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int p = 0; p < k; p++)
            {
                Vector512<T> b = Vector512.Load(padded + (p * width));
                T* a = a0 + (p * csA);
                c0 = MultiplyAdd(Vector512.Create(a[0]), b, c0);
                c1 = MultiplyAdd(Vector512.Create(a[rsA]), b, c1);
                c2 = MultiplyAdd(Vector512.Create(a[2 * rsA]), b, c2);
                c3 = MultiplyAdd(Vector512.Create(a[3 * rsA]), b, c3);
                c4 = MultiplyAdd(Vector512.Create(a[4 * rsA]), b, c4);
                c5 = MultiplyAdd(Vector512.Create(a[5 * rsA]), b, c5);
                c6 = MultiplyAdd(Vector512.Create(a[6 * rsA]), b, c6);
                c7 = MultiplyAdd(Vector512.Create(a[7 * rsA]), b, c7);
            }

            T* c = problem.C + (i * problem.Ldc);
            nint ldc = problem.Ldc;
            StoreFirst(c0, c, n);
            StoreFirst(c1, c + ldc, n);
            StoreFirst(c2, c + (2 * ldc), n);
            StoreFirst(c3, c + (3 * ldc), n);
            StoreFirst(c4, c + (4 * ldc), n);
            StoreFirst(c5, c + (5 * ldc), n);
            StoreFirst(c6, c + (6 * ldc), n);
            StoreFirst(c7, c + (7 * ldc), n);
        }

        for (; i < m; i++)
        {
            T* a = problem.A + (i * rsA);
            Vector512<T> c = Vector512<T>.Zero;
            for (int p = 0; p < k; p++)
            {
                c = MultiplyAdd(Vector512.Create(a[p * csA]), Vector512.Load(padded + (p * width)), c);
            }

            StoreFirst(c, problem.C + (i * problem.Ldc), n);
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreFirst<T>(Vector512<T> value, T* destination, int count)
        where T : unmanaged
    {
        if (count == Vector512<T>.Count)
        {
            value.Store(destination);
            return;
        }

        for (int j = 0; j < count; j++)
        {
            destination[j] = value.GetElement(j);
        }
    }
}
