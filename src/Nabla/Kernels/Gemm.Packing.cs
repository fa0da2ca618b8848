using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <content>Packing of A and B blocks into micro-panels.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Packs an <paramref name="rows"/>×<paramref name="kc"/> block of op(A) (element (i, p) at
    /// <c>a[i·rs + p·cs]</c>) into consecutive MR-row micro-panels, each stored p-major (<c>MR</c> scalars per
    /// step of p), zero-padding the last panel to MR rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackA<T, TKernel>(T* a, nint rs, nint cs, int rows, int kc, T* dst)
        where T : unmanaged, INumberBase<T>
        where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.MR;
        for (int r = 0; r < rows; r += mr)
        {
            PackPanel(a + (r * rs), rs, cs, Math.Min(mr, rows - r), kc, mr, dst);
            dst += (nint)mr * kc;
        }
    }

    /// <summary>Micro-panels of B packed together from each row of B (see <see cref="PackB{T, TKernel}"/>).</summary>
    private const int PanelsPerPackingGroup = 4;

    /// <summary>
    /// Packs a <paramref name="kc"/>×<paramref name="cols"/> block of op(B) (element (p, j) at
    /// <c>b[p·rs + j·cs]</c>) into consecutive NR-column micro-panels, each stored p-major (<c>NR</c> scalars
    /// per step of p, i.e. one aligned row of vectors), zero-padding the last panel to NR columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackB<T, TKernel>(T* b, nint rs, nint cs, int kc, int cols, T* dst)
        where T : unmanaged, INumberBase<T>
        where TKernel : struct, IMicroKernel<T>
    {
        int nr = TKernel.NR;
        if (cs == 1)
        {
            // Rows of B are contiguous: walk them in order, copying each row's NR-wide pieces into a group of
            // four panels. Reading panel by panel instead would stride down B's rows once per panel (and re-read
            // the cache line two neighbouring panels share); writing to every panel of the block at once would
            // alias in L1, the panels being kc·NR elements (32–48 KiB) apart. Measured 2–5 % faster on 2 threads at
            // 256³ to 1024³, where each thread packs the whole block of B.
            int fullPanels = cols / nr;
            uint bytes = (uint)(nr * Unsafe.SizeOf<T>());
            nint panelStride = (nint)nr * kc;
            for (int first = 0; first < fullPanels; first += PanelsPerPackingGroup)
            {
                int count = Math.Min(PanelsPerPackingGroup, fullPanels - first);
                T* groupSource = b + (first * nr);
                T* groupTarget = dst + (first * panelStride);
                for (int p = 0; p < kc; p++)
                {
                    T* source = groupSource + (p * rs);
                    T* target = groupTarget + ((nint)p * nr);
                    for (int panel = 0; panel < count; panel++)
                    {
                        Unsafe.CopyBlockUnaligned(target + (panel * panelStride), source + (panel * nr), bytes);
                    }
                }
            }

            if (fullPanels * nr < cols)
            {
                int j = fullPanels * nr;
                PackPanel(b + j, cs, rs, cols - j, kc, nr, dst + (fullPanels * panelStride));
            }

            return;
        }

        for (int j = 0; j < cols; j += nr)
        {
            PackPanel(b + (j * cs), cs, rs, Math.Min(nr, cols - j), kc, nr, dst);
            dst += (nint)nr * kc;
        }
    }

    /// <summary>
    /// Writes <c>dst[p·panelWidth + i] = src[i·strideI + p·strideP]</c> for i &lt; width, p &lt; kc, and zero
    /// for width ≤ i &lt; panelWidth. Both packing directions reduce to this; the two unit-stride cases (a
    /// straight row copy, or a transposing gather) are the ones that matter for speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PackPanel<T>(T* src, nint strideI, nint strideP, int width, int kc, int panelWidth, T* dst)
        where T : unmanaged, INumberBase<T>
    {
        if (strideI == 1)
        {
            if (width == panelWidth)
            {
                // The constant size lets the JIT unroll this into a couple of vector moves.
                uint bytes = (uint)(panelWidth * Unsafe.SizeOf<T>());
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.CopyBlockUnaligned(dst + ((nint)p * panelWidth), src + (p * strideP), bytes);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    var target = new Span<T>(dst + ((nint)p * panelWidth), panelWidth);
                    new ReadOnlySpan<T>(src + (p * strideP), width).CopyTo(target);
                    target[width..].Clear();
                }
            }

            return;
        }

        if (strideP == 1)
        {
            // Transposing gather: read source rows sequentially (hardware prefetch friendly) and scatter with
            // stride panelWidth into the small destination panel, which stays in L1. Groups of four rows go
            // through 4×4 register transposes (several times faster than element-wise copies, which matters
            // because this is the layout of a plain row-major A and of a transposed B); float32 rows go eight at a
            // time through AVX 8×8 transposes first (about 1 % of a whole product, timed alternately in one process).
            int i = 0;
            if (Avx.IsSupported && Unsafe.SizeOf<T>() == sizeof(float))
            {
                for (; i <= width - 8; i += 8)
                {
                    TransposeEightRows((float*)(src + (i * strideI)), strideI, kc, (float*)(dst + i), panelWidth);
                }
            }

            if (Sse.IsSupported && Unsafe.SizeOf<T>() == sizeof(float))
            {
                for (; i <= width - 4; i += 4)
                {
                    TransposeFourRows((float*)(src + (i * strideI)), strideI, kc, (float*)(dst + i), panelWidth);
                }
            }
            else if (Avx.IsSupported && Unsafe.SizeOf<T>() == sizeof(double))
            {
                for (; i <= width - 4; i += 4)
                {
                    TransposeFourRows((double*)(src + (i * strideI)), strideI, kc, (double*)(dst + i), panelWidth);
                }
            }

            for (; i < width; i++)
            {
                T* row = src + (i * strideI);
                T* column = dst + i;
                for (int p = 0; p < kc; p++)
                {
                    column[(nint)p * panelWidth] = row[p];
                }
            }
        }
        else
        {
            for (int p = 0; p < kc; p++)
            {
                T* source = src + (p * strideP);
                T* target = dst + ((nint)p * panelWidth);
                for (int i = 0; i < width; i++)
                {
                    target[i] = source[i * strideI];
                }
            }
        }

        if (width < panelWidth)
        {
            for (int p = 0; p < kc; p++)
            {
                new Span<T>(dst + ((nint)p * panelWidth) + width, panelWidth - width).Clear();
            }
        }
    }

    /// <summary>
    /// Writes <c>dst[p·panelWidth + r] = src[r·stride + p]</c> for eight rows r and p &lt; kc, transposing 8×8
    /// blocks in AVX registers (half the loads and stores of two 4×4 SSE transposes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeEightRows(float* src, nint stride, int kc, float* dst, int panelWidth)
    {
        int p = 0;
        for (; p <= kc - 8; p += 8)
        {
            float* s = src + p;
            Vector256<float> r0 = Vector256.Load(s), r1 = Vector256.Load(s + stride);
            Vector256<float> r2 = Vector256.Load(s + (2 * stride)), r3 = Vector256.Load(s + (3 * stride));
            Vector256<float> r4 = Vector256.Load(s + (4 * stride)), r5 = Vector256.Load(s + (5 * stride));
            Vector256<float> r6 = Vector256.Load(s + (6 * stride)), r7 = Vector256.Load(s + (7 * stride));

            // Interleave pairs of rows, then pairs of pairs: each 128-bit lane then holds four rows of one column.
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

            // Rows 0–3 of column j sit in the low lane of u_j (j < 4) and rows 4–7 in the low lane of u_(j+4).
            float* d = dst + ((nint)p * panelWidth);
            Avx.Permute2x128(u0, u4, 0x20).Store(d);
            Avx.Permute2x128(u1, u5, 0x20).Store(d + panelWidth);
            Avx.Permute2x128(u2, u6, 0x20).Store(d + (2 * panelWidth));
            Avx.Permute2x128(u3, u7, 0x20).Store(d + (3 * panelWidth));
            Avx.Permute2x128(u0, u4, 0x31).Store(d + (4 * panelWidth));
            Avx.Permute2x128(u1, u5, 0x31).Store(d + (5 * panelWidth));
            Avx.Permute2x128(u2, u6, 0x31).Store(d + (6 * panelWidth));
            Avx.Permute2x128(u3, u7, 0x31).Store(d + (7 * panelWidth));
        }

        for (; p < kc; p++)
        {
            float* target = dst + ((nint)p * panelWidth);
            for (int r = 0; r < 8; r++)
            {
                target[r] = src[(r * stride) + p];
            }
        }
    }

    /// <summary>
    /// Writes <c>dst[p·panelWidth + r] = src[r·stride + p]</c> for four rows r and p &lt; kc, transposing 4×4
    /// blocks in SSE registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeFourRows(float* src, nint stride, int kc, float* dst, int panelWidth)
    {
        float* row0 = src, row1 = src + stride, row2 = src + (2 * stride), row3 = src + (3 * stride);
        int p = 0;
        for (; p <= kc - 4; p += 4)
        {
            Vector128<float> r0 = Vector128.Load(row0 + p), r1 = Vector128.Load(row1 + p);
            Vector128<float> r2 = Vector128.Load(row2 + p), r3 = Vector128.Load(row3 + p);
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
            Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
            float* target = dst + ((nint)p * panelWidth);
            Sse.MoveLowToHigh(t0, t1).Store(target);
            Sse.MoveHighToLow(t1, t0).Store(target + panelWidth);
            Sse.MoveLowToHigh(t2, t3).Store(target + (2 * panelWidth));
            Sse.MoveHighToLow(t3, t2).Store(target + (3 * panelWidth));
        }

        for (; p < kc; p++)
        {
            float* target = dst + ((nint)p * panelWidth);
            target[0] = row0[p];
            target[1] = row1[p];
            target[2] = row2[p];
            target[3] = row3[p];
        }
    }

    /// <summary>
    /// Writes <c>dst[p·panelWidth + r] = src[r·stride + p]</c> for four rows r and p &lt; kc, transposing 4×4
    /// blocks in AVX registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeFourRows(double* src, nint stride, int kc, double* dst, int panelWidth)
    {
        double* row0 = src, row1 = src + stride, row2 = src + (2 * stride), row3 = src + (3 * stride);
        int p = 0;
        for (; p <= kc - 4; p += 4)
        {
            Vector256<double> r0 = Vector256.Load(row0 + p), r1 = Vector256.Load(row1 + p);
            Vector256<double> r2 = Vector256.Load(row2 + p), r3 = Vector256.Load(row3 + p);
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            double* target = dst + ((nint)p * panelWidth);
            Avx.Permute2x128(t0, t2, 0x20).Store(target);
            Avx.Permute2x128(t1, t3, 0x20).Store(target + panelWidth);
            Avx.Permute2x128(t0, t2, 0x31).Store(target + (2 * panelWidth));
            Avx.Permute2x128(t1, t3, 0x31).Store(target + (3 * panelWidth));
        }

        for (; p < kc; p++)
        {
            double* target = dst + ((nint)p * panelWidth);
            target[0] = row0[p];
            target[1] = row1[p];
            target[2] = row2[p];
            target[3] = row3[p];
        }
    }
}
