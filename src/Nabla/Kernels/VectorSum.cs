using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// Sum of a contiguous float32 run with eight independent vector accumulators (Vector512, Vector256 or Vector128,
/// scalar below), so that the adds never wait on each other and the loop runs at the speed memory delivers the
/// data. Each lane adds every 8·width-th element, then the accumulators are added pairwise: for the blocks
/// <see cref="Reduction.ReduceRun"/> hands it (64 Ki elements) that is 512 terms per lane, so the rounding error
/// stays far below that of one running sum. Other element types go to TensorPrimitives.
/// </summary>
internal static class VectorSum
{
    private const int PrefetchDistance = 2048; // elements: 8 KiB ahead

    /// <summary>The sum of <paramref name="x"/> for any numeric type: float32 through this kernel.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            float sum = Sum(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length));
            return Unsafe.As<float, T>(ref sum);
        }

        return TensorPrimitives.Sum(x);
    }

    /// <summary>The sum of <paramref name="x"/> (0 when empty; NaN and infinities propagate as in IEEE addition).</summary>
    public static unsafe float Sum(ReadOnlySpan<float> x)
    {
        fixed (float* p = x)
        {
            return Sum(p, x.Length);
        }
    }

    // Software prefetch 8 KiB ahead (two pages): the hardware streamer stops at 4 KiB page boundaries, and on
    // 16M-element sums (L3/DRAM) this measured 10-20% faster; prefetches past the end are harmless hints.
    private static unsafe float Sum(float* p, int n)
    {
        ref float r = ref *p;
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int W = 16;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i <= n - (8 * W); i += 8 * W)
            {
                Prefetch(p + i + PrefetchDistance);
                Prefetch(p + i + PrefetchDistance + 16);
                Prefetch(p + i + PrefetchDistance + 32);
                Prefetch(p + i + PrefetchDistance + 48);
                Prefetch(p + i + PrefetchDistance + 64);
                Prefetch(p + i + PrefetchDistance + 80);
                Prefetch(p + i + PrefetchDistance + 96);
                Prefetch(p + i + PrefetchDistance + 112);
                a0 += Vector512.LoadUnsafe(ref r, (nuint)i);
                a1 += Vector512.LoadUnsafe(ref r, (nuint)(i + W));
                a2 += Vector512.LoadUnsafe(ref r, (nuint)(i + (2 * W)));
                a3 += Vector512.LoadUnsafe(ref r, (nuint)(i + (3 * W)));
                a4 += Vector512.LoadUnsafe(ref r, (nuint)(i + (4 * W)));
                a5 += Vector512.LoadUnsafe(ref r, (nuint)(i + (5 * W)));
                a6 += Vector512.LoadUnsafe(ref r, (nuint)(i + (6 * W)));
                a7 += Vector512.LoadUnsafe(ref r, (nuint)(i + (7 * W)));
            }

            for (; i <= n - W; i += W)
            {
                a0 += Vector512.LoadUnsafe(ref r, (nuint)i);
            }

            sum = Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int W = 8;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i <= n - (8 * W); i += 8 * W)
            {
                Prefetch(p + i + PrefetchDistance);
                Prefetch(p + i + PrefetchDistance + 16);
                Prefetch(p + i + PrefetchDistance + 32);
                Prefetch(p + i + PrefetchDistance + 48);
                a0 += Vector256.LoadUnsafe(ref r, (nuint)i);
                a1 += Vector256.LoadUnsafe(ref r, (nuint)(i + W));
                a2 += Vector256.LoadUnsafe(ref r, (nuint)(i + (2 * W)));
                a3 += Vector256.LoadUnsafe(ref r, (nuint)(i + (3 * W)));
                a4 += Vector256.LoadUnsafe(ref r, (nuint)(i + (4 * W)));
                a5 += Vector256.LoadUnsafe(ref r, (nuint)(i + (5 * W)));
                a6 += Vector256.LoadUnsafe(ref r, (nuint)(i + (6 * W)));
                a7 += Vector256.LoadUnsafe(ref r, (nuint)(i + (7 * W)));
            }

            for (; i <= n - W; i += W)
            {
                a0 += Vector256.LoadUnsafe(ref r, (nuint)i);
            }

            sum = Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            const int W = 4;
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i <= n - (8 * W); i += 8 * W)
            {
                a0 += Vector128.LoadUnsafe(ref r, (nuint)i);
                a1 += Vector128.LoadUnsafe(ref r, (nuint)(i + W));
                a2 += Vector128.LoadUnsafe(ref r, (nuint)(i + (2 * W)));
                a3 += Vector128.LoadUnsafe(ref r, (nuint)(i + (3 * W)));
                a4 += Vector128.LoadUnsafe(ref r, (nuint)(i + (4 * W)));
                a5 += Vector128.LoadUnsafe(ref r, (nuint)(i + (5 * W)));
                a6 += Vector128.LoadUnsafe(ref r, (nuint)(i + (6 * W)));
                a7 += Vector128.LoadUnsafe(ref r, (nuint)(i + (7 * W)));
            }

            for (; i <= n - W; i += W)
            {
                a0 += Vector128.LoadUnsafe(ref r, (nuint)i);
            }

            sum = Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else
        {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; i <= n - 4; i += 4)
            {
                s0 += Unsafe.Add(ref r, i);
                s1 += Unsafe.Add(ref r, i + 1);
                s2 += Unsafe.Add(ref r, i + 2);
                s3 += Unsafe.Add(ref r, i + 3);
            }

            sum = (s0 + s1) + (s2 + s3);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref r, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(float* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }
}
