using System.Numerics;
using System.Runtime.CompilerServices;

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
            // Transposing gather: read each source row sequentially (hardware prefetch friendly) and scatter
            // with stride panelWidth into the small destination panel, which stays in L1.
            for (int i = 0; i < width; i++)
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
}
