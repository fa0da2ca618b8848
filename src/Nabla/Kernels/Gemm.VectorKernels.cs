using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

// The micro-kernels are written out longhand (one accumulator pair per row of the tile) because the JIT
// keeps SIMD values in registers only when they are distinct locals: an array of accumulators, or a loop
// over the rows, would live in memory. Each step of p loads two vectors of packed B (NR = 2 vectors) and
// broadcasts MR scalars of packed A, issuing 2·MR independent multiply-adds: far more than the 8 in flight
// needed to cover the FMA latency (4 cycles × 2 ports). Measured on a Sapphire Rapids core, the AVX-512
// kernel's inner loop runs at the FMA peak (within noise); unrolling the p loop by 2 did not help.
// The three kernels differ only in vector width, MR and the AVX-512 one prefetching its C tile: keep them
// in step when changing one.

/// <content>Vector micro-kernels.</content>
internal static partial class Gemm
{
    /// <summary>
    /// AVX-512 micro-kernel: 12 rows × 2 vectors = 24 zmm accumulators + 2 for B + broadcasts, out of 32 registers.
    /// </summary>
    private readonly struct Kernel512<T> : IMicroKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        public static int MR => 12;

        public static int NR => 2 * Vector512<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        {
            // The C tile is only touched after the loop, so prefetch it during the loop, one cache line every few
            // steps. Each of its 12 rows is 128 bytes: three lines when C is not line-aligned, reached by the offsets
            // 0, 63 and 126. All 36 requests at once would hold the L1 fill buffers that the stream of packed B
            // needs, and stall the kernel whenever C is cold (a fresh output): measured 3–4 % faster at 256³ and
            // 1024³ with fresh outputs, timed alternately with libtorch in one process.
            byte* prefetchRow = (byte*)c;
            nint rowBytes = ldc * sizeof(T);
            int prefetchesLeft = 0, prefetchPart = 0, prefetchStep = 1, nextPrefetch = 0;
            if (Sse.IsSupported)
            {
                if (kc >= 2 * PrefetchLines)
                {
                    prefetchesLeft = PrefetchLines;
                    prefetchStep = kc / PrefetchLines;
                }
                else
                {
                    for (int row = 0; row < MR; row++)
                    {
                        PrefetchRow(c + (row * ldc));
                    }
                }
            }

            int w = Vector512<T>.Count;
            Vector512<T> acc0Lo = default, acc0Hi = default;
            Vector512<T> acc1Lo = default, acc1Hi = default;
            Vector512<T> acc2Lo = default, acc2Hi = default;
            Vector512<T> acc3Lo = default, acc3Hi = default;
            Vector512<T> acc4Lo = default, acc4Hi = default;
            Vector512<T> acc5Lo = default, acc5Hi = default;
            Vector512<T> acc6Lo = default, acc6Hi = default;
            Vector512<T> acc7Lo = default, acc7Hi = default;
            Vector512<T> acc8Lo = default, acc8Hi = default;
            Vector512<T> acc9Lo = default, acc9Hi = default;
            Vector512<T> acc10Lo = default, acc10Hi = default;
            Vector512<T> acc11Lo = default, acc11Hi = default;
            int p = 0;
            for (; p < kc; p++)
            {
                if (p == nextPrefetch && prefetchesLeft > 0)
                {
                    Sse.Prefetch0(prefetchRow + (prefetchPart * 63));
                    if (++prefetchPart == 3)
                    {
                        prefetchPart = 0;
                        prefetchRow += rowBytes;
                    }

                    prefetchesLeft--;
                    nextPrefetch += prefetchStep;
                }

                Vector512<T> bLo = Vector512.Load(b);
                Vector512<T> bHi = Vector512.Load(b + w);
                Vector512<T> a0 = Vector512.Create(a[0]);
                acc0Lo = MultiplyAdd(a0, bLo, acc0Lo);
                acc0Hi = MultiplyAdd(a0, bHi, acc0Hi);
                Vector512<T> a1 = Vector512.Create(a[1]);
                acc1Lo = MultiplyAdd(a1, bLo, acc1Lo);
                acc1Hi = MultiplyAdd(a1, bHi, acc1Hi);
                Vector512<T> a2 = Vector512.Create(a[2]);
                acc2Lo = MultiplyAdd(a2, bLo, acc2Lo);
                acc2Hi = MultiplyAdd(a2, bHi, acc2Hi);
                Vector512<T> a3 = Vector512.Create(a[3]);
                acc3Lo = MultiplyAdd(a3, bLo, acc3Lo);
                acc3Hi = MultiplyAdd(a3, bHi, acc3Hi);
                Vector512<T> a4 = Vector512.Create(a[4]);
                acc4Lo = MultiplyAdd(a4, bLo, acc4Lo);
                acc4Hi = MultiplyAdd(a4, bHi, acc4Hi);
                Vector512<T> a5 = Vector512.Create(a[5]);
                acc5Lo = MultiplyAdd(a5, bLo, acc5Lo);
                acc5Hi = MultiplyAdd(a5, bHi, acc5Hi);
                Vector512<T> a6 = Vector512.Create(a[6]);
                acc6Lo = MultiplyAdd(a6, bLo, acc6Lo);
                acc6Hi = MultiplyAdd(a6, bHi, acc6Hi);
                Vector512<T> a7 = Vector512.Create(a[7]);
                acc7Lo = MultiplyAdd(a7, bLo, acc7Lo);
                acc7Hi = MultiplyAdd(a7, bHi, acc7Hi);
                Vector512<T> a8 = Vector512.Create(a[8]);
                acc8Lo = MultiplyAdd(a8, bLo, acc8Lo);
                acc8Hi = MultiplyAdd(a8, bHi, acc8Hi);
                Vector512<T> a9 = Vector512.Create(a[9]);
                acc9Lo = MultiplyAdd(a9, bLo, acc9Lo);
                acc9Hi = MultiplyAdd(a9, bHi, acc9Hi);
                Vector512<T> a10 = Vector512.Create(a[10]);
                acc10Lo = MultiplyAdd(a10, bLo, acc10Lo);
                acc10Hi = MultiplyAdd(a10, bHi, acc10Hi);
                Vector512<T> a11 = Vector512.Create(a[11]);
                acc11Lo = MultiplyAdd(a11, bLo, acc11Lo);
                acc11Hi = MultiplyAdd(a11, bHi, acc11Hi);
                a += 12;
                b += 2 * w;
            }

            StoreRow(acc0Lo, acc0Hi, c, w, accumulate);
            StoreRow(acc1Lo, acc1Hi, c + ldc, w, accumulate);
            StoreRow(acc2Lo, acc2Hi, c + (2 * ldc), w, accumulate);
            StoreRow(acc3Lo, acc3Hi, c + (3 * ldc), w, accumulate);
            StoreRow(acc4Lo, acc4Hi, c + (4 * ldc), w, accumulate);
            StoreRow(acc5Lo, acc5Hi, c + (5 * ldc), w, accumulate);
            StoreRow(acc6Lo, acc6Hi, c + (6 * ldc), w, accumulate);
            StoreRow(acc7Lo, acc7Hi, c + (7 * ldc), w, accumulate);
            StoreRow(acc8Lo, acc8Hi, c + (8 * ldc), w, accumulate);
            StoreRow(acc9Lo, acc9Hi, c + (9 * ldc), w, accumulate);
            StoreRow(acc10Lo, acc10Hi, c + (10 * ldc), w, accumulate);
            StoreRow(acc11Lo, acc11Hi, c + (11 * ldc), w, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(Vector512<T> lo, Vector512<T> hi, T* row, int w, bool accumulate)
        {
            if (accumulate)
            {
                lo += Vector512.Load(row);
                hi += Vector512.Load(row + w);
            }

            lo.Store(row);
            hi.Store(row + w);
        }

        /// <summary>Cache lines the C tile can span: MR = 12 rows × 3 (see <see cref="Run"/>).</summary>
        private const int PrefetchLines = 36;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void PrefetchRow(T* row)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0((byte*)row + 63);
            Sse.Prefetch0((byte*)row + 126);
        }
    }

    /// <summary>
    /// AVX2 micro-kernel: 6 rows × 2 vectors = 12 ymm accumulators + 2 for B + 1 broadcast, out of 16 registers.
    /// </summary>
    private readonly struct Kernel256<T> : IMicroKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        public static int MR => 6;

        public static int NR => 2 * Vector256<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        {
            int w = Vector256<T>.Count;
            Vector256<T> acc0Lo = default, acc0Hi = default;
            Vector256<T> acc1Lo = default, acc1Hi = default;
            Vector256<T> acc2Lo = default, acc2Hi = default;
            Vector256<T> acc3Lo = default, acc3Hi = default;
            Vector256<T> acc4Lo = default, acc4Hi = default;
            Vector256<T> acc5Lo = default, acc5Hi = default;
            int p = 0;
            for (; p < kc; p++)
            {
                Vector256<T> bLo = Vector256.Load(b);
                Vector256<T> bHi = Vector256.Load(b + w);
                Vector256<T> a0 = Vector256.Create(a[0]);
                acc0Lo = MultiplyAdd(a0, bLo, acc0Lo);
                acc0Hi = MultiplyAdd(a0, bHi, acc0Hi);
                Vector256<T> a1 = Vector256.Create(a[1]);
                acc1Lo = MultiplyAdd(a1, bLo, acc1Lo);
                acc1Hi = MultiplyAdd(a1, bHi, acc1Hi);
                Vector256<T> a2 = Vector256.Create(a[2]);
                acc2Lo = MultiplyAdd(a2, bLo, acc2Lo);
                acc2Hi = MultiplyAdd(a2, bHi, acc2Hi);
                Vector256<T> a3 = Vector256.Create(a[3]);
                acc3Lo = MultiplyAdd(a3, bLo, acc3Lo);
                acc3Hi = MultiplyAdd(a3, bHi, acc3Hi);
                Vector256<T> a4 = Vector256.Create(a[4]);
                acc4Lo = MultiplyAdd(a4, bLo, acc4Lo);
                acc4Hi = MultiplyAdd(a4, bHi, acc4Hi);
                Vector256<T> a5 = Vector256.Create(a[5]);
                acc5Lo = MultiplyAdd(a5, bLo, acc5Lo);
                acc5Hi = MultiplyAdd(a5, bHi, acc5Hi);
                a += 6;
                b += 2 * w;
            }

            StoreRow(acc0Lo, acc0Hi, c, w, accumulate);
            StoreRow(acc1Lo, acc1Hi, c + ldc, w, accumulate);
            StoreRow(acc2Lo, acc2Hi, c + (2 * ldc), w, accumulate);
            StoreRow(acc3Lo, acc3Hi, c + (3 * ldc), w, accumulate);
            StoreRow(acc4Lo, acc4Hi, c + (4 * ldc), w, accumulate);
            StoreRow(acc5Lo, acc5Hi, c + (5 * ldc), w, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(Vector256<T> lo, Vector256<T> hi, T* row, int w, bool accumulate)
        {
            if (accumulate)
            {
                lo += Vector256.Load(row);
                hi += Vector256.Load(row + w);
            }

            lo.Store(row);
            hi.Store(row + w);
        }
    }

    /// <summary>
    /// SSE / Arm AdvSimd micro-kernel: 6 rows × 2 vectors = 12 accumulators, fitting 16 xmm registers (Arm has 32).
    /// </summary>
    private readonly struct Kernel128<T> : IMicroKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        public static int MR => 6;

        public static int NR => 2 * Vector128<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        {
            int w = Vector128<T>.Count;
            Vector128<T> acc0Lo = default, acc0Hi = default;
            Vector128<T> acc1Lo = default, acc1Hi = default;
            Vector128<T> acc2Lo = default, acc2Hi = default;
            Vector128<T> acc3Lo = default, acc3Hi = default;
            Vector128<T> acc4Lo = default, acc4Hi = default;
            Vector128<T> acc5Lo = default, acc5Hi = default;
            int p = 0;
            for (; p < kc; p++)
            {
                Vector128<T> bLo = Vector128.Load(b);
                Vector128<T> bHi = Vector128.Load(b + w);
                Vector128<T> a0 = Vector128.Create(a[0]);
                acc0Lo = MultiplyAdd(a0, bLo, acc0Lo);
                acc0Hi = MultiplyAdd(a0, bHi, acc0Hi);
                Vector128<T> a1 = Vector128.Create(a[1]);
                acc1Lo = MultiplyAdd(a1, bLo, acc1Lo);
                acc1Hi = MultiplyAdd(a1, bHi, acc1Hi);
                Vector128<T> a2 = Vector128.Create(a[2]);
                acc2Lo = MultiplyAdd(a2, bLo, acc2Lo);
                acc2Hi = MultiplyAdd(a2, bHi, acc2Hi);
                Vector128<T> a3 = Vector128.Create(a[3]);
                acc3Lo = MultiplyAdd(a3, bLo, acc3Lo);
                acc3Hi = MultiplyAdd(a3, bHi, acc3Hi);
                Vector128<T> a4 = Vector128.Create(a[4]);
                acc4Lo = MultiplyAdd(a4, bLo, acc4Lo);
                acc4Hi = MultiplyAdd(a4, bHi, acc4Hi);
                Vector128<T> a5 = Vector128.Create(a[5]);
                acc5Lo = MultiplyAdd(a5, bLo, acc5Lo);
                acc5Hi = MultiplyAdd(a5, bHi, acc5Hi);
                a += 6;
                b += 2 * w;
            }

            StoreRow(acc0Lo, acc0Hi, c, w, accumulate);
            StoreRow(acc1Lo, acc1Hi, c + ldc, w, accumulate);
            StoreRow(acc2Lo, acc2Hi, c + (2 * ldc), w, accumulate);
            StoreRow(acc3Lo, acc3Hi, c + (3 * ldc), w, accumulate);
            StoreRow(acc4Lo, acc4Hi, c + (4 * ldc), w, accumulate);
            StoreRow(acc5Lo, acc5Hi, c + (5 * ldc), w, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(Vector128<T> lo, Vector128<T> hi, T* row, int w, bool accumulate)
        {
            if (accumulate)
            {
                lo += Vector128.Load(row);
                hi += Vector128.Load(row + w);
            }

            lo.Store(row);
            hi.Store(row + w);
        }
    }
}
