using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <content>The BLIS-style blocked driver.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Depth of one packed block, in bytes per row of a micro-panel (so 384 floats or 192 doubles). The MR×KC
    /// micro-panel of A is the operand the micro-kernel re-reads for every NR-wide micro-panel of B, so it must
    /// stay resident in L1: 12 rows × 1.5 KiB = 18 KiB of the 48 KiB L1d, leaving room for the streamed B
    /// micro-panel and the C tile. A larger KC amortizes the load/store of the C tile over more FMAs.
    /// Measured on a Sapphire Rapids core: 192 to 384 floats all within noise; 128 doubles ~25% slower than 192.
    /// </summary>
    private const int KcBytes = 1536;

    /// <summary>
    /// Width (columns, i.e. elements) of the packed block of B. The KC×NB block is re-read for every
    /// micro-panel of A, so it must stay in L2 (2 MiB per core on current Xeons, 1 MiB or more elsewhere):
    /// KC·NB·size = 1.5 KiB × 512 = 768 KiB whatever the element type. A multiple of every kernel's NR.
    /// </summary>
    private const int Nb = 512;

    /// <summary>
    /// Height (rows) of the packed block of A. The MB×KC block lives in L3 and is reused across all NB-wide
    /// blocks of B; big enough that typical problems pack A exactly once per KC slice.
    /// </summary>
    private const int Mb = 3072;

    /// <summary>The blocked algorithm, specialized (by the JIT) for one element type and micro-kernel.</summary>
    /// <remarks>
    /// Loop nest, outermost first (our m/n are BLIS's n/m since we broadcast A and vectorize along B's rows):
    /// <list type="number">
    /// <item>jc over m by MB: pick a slab of rows of A / C.</item>
    /// <item>pc over k by KC: pack A[jc.., pc..] into MR-row micro-panels (p-major, so the kernel reads MR
    /// consecutive scalars per step). The first KC slice overwrites C, later ones accumulate.</item>
    /// <item>ic over n by NB: pack B[pc.., ic..] into NR-column micro-panels (KC×NR, contiguous).</item>
    /// <item>jr over the slab by MR (A micro-panel in L1), ir over the block by NR (B micro-panel from L2):
    /// one micro-kernel call per MR×NR tile of C.</item>
    /// </list>
    /// </remarks>
    private static partial class Blocked<T, TKernel>
        where T : unmanaged, INumberBase<T>
        where TKernel : struct, IMicroKernel<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Run(Problem<T> problem)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            GetBlockSizes(problem, out int kcMax, out int nbMax, out int mbMax, out long aLength, out long bLength);
            T* aPack = Scratch<T>.Get(aLength + bLength + (mr * nr));
            T* bPack = aPack + aLength;
            T* tile = bPack + bLength;

            int m = problem.M, n = problem.N, k = problem.K;
            T* aBase = problem.A, bBase = problem.B, cBase = problem.C;
            nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, csB = problem.CsB, ldc = problem.Ldc;
            for (int jc = 0; jc < m; jc += mbMax)
            {
                int mb = Math.Min(mbMax, m - jc);
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    bool accumulate = pc != 0;
                    PackA<T, TKernel>(aBase + (jc * rsA) + (pc * csA), rsA, csA, mb, kc, aPack);
                    for (int ic = 0; ic < n; ic += nbMax)
                    {
                        int nb = Math.Min(nbMax, n - ic);
                        PackB<T, TKernel>(bBase + (pc * rsB) + (ic * csB), rsB, csB, kc, nb, bPack);
                        MacroKernel(kc, mb, nb, aPack, bPack, cBase + (jc * ldc) + ic, ldc, accumulate, tile, problem.EpilogueAfter(pc, kc), problem.Origin);
                    }
                }
            }
        }

        /// <summary>
        /// Block sizes for this element type and kernel, and the packing buffer lengths they need for
        /// <paramref name="problem"/> (never more than the problem itself needs).
        /// </summary>
        private static void GetBlockSizes(Problem<T> problem, out int kcMax, out int nbMax, out int mbMax, out long aLength, out long bLength)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            kcMax = Balance(problem.K, Math.Max(8, KcBytes / Unsafe.SizeOf<T>()), 8);
            nbMax = Balance(problem.N, RoundUp(Math.Max(nr, Nb), nr), nr);
            mbMax = RoundUp(Math.Max(mr, Mb), mr);
            int kcAlloc = Math.Min(kcMax, problem.K);
            int mbAlloc = Math.Min(mbMax, RoundUp(problem.M, mr));
            int nbAlloc = Math.Min(nbMax, RoundUp(problem.N, nr));

            // Whole cache lines per buffer so the packed B panels (rows of NR elements) start line-aligned.
            aLength = RoundUpToLine((long)mbAlloc * kcAlloc);
            bLength = RoundUpToLine((long)nbAlloc * kcAlloc);
        }

        /// <summary>
        /// The block length that splits <paramref name="length"/> into as few blocks of at most
        /// <paramref name="limit"/> as possible, all of (nearly) equal length, rounded up to a multiple of
        /// <paramref name="multiple"/> (which <paramref name="limit"/> must be): e.g. k = 512 becomes two
        /// slices of 256 rather than 384 + 128, whose short second slice would pay the C tile's load and store
        /// over few multiply-adds.
        /// </summary>
        private static int Balance(int length, int limit, int multiple)
        {
            int blocks = Math.Max(1, (length + limit - 1) / limit);
            return Math.Min(limit, RoundUp((length + blocks - 1) / blocks, multiple));
        }

        private static long RoundUpToLine(long length) => (length + 15) & ~15L;

        /// <summary>
        /// Multiplies a packed MB×KC block of A by a packed KC×NB block of B into C; with the last KC slice, runs
        /// <paramref name="epilogue"/> on each micro-panel's rows as soon as they are done (elements counted from
        /// <paramref name="origin"/>), while they are still in L1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void MacroKernel(int kc, int mb, int nb, T* aPack, T* bPack, T* c, nint ldc, bool accumulate, T* tile, IGemmEpilogue? epilogue, T* origin)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            for (int jr = 0; jr < mb; jr += mr)
            {
                int rows = Math.Min(mr, mb - jr);
                T* aPanel = aPack + ((nint)jr * kc);
                T* cRow = c + (jr * ldc);
                for (int ir = 0; ir < nb; ir += nr)
                {
                    int cols = Math.Min(nr, nb - ir);
                    T* bPanel = bPack + ((nint)ir * kc);
                    if (rows == mr && cols == nr)
                    {
                        TKernel.Run(kc, aPanel, bPanel, cRow + ir, ldc, accumulate);
                    }
                    else
                    {
                        // Edge tile: the panels are zero-padded, so compute the full tile into scratch and
                        // write back only the valid part (never touching C outside the m×n matrix).
                        TKernel.Run(kc, aPanel, bPanel, tile, nr, accumulate: false);
                        WriteBackTile(tile, nr, cRow + ir, ldc, rows, cols, accumulate);
                    }
                }

                if (epilogue is not null)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        int start = (int)(cRow + (i * ldc) - origin);
                        epilogue.Apply(start, start + nb);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void WriteBackTile(T* tile, int nr, T* c, nint ldc, int rows, int cols, bool accumulate)
        {
            for (int i = 0; i < rows; i++)
            {
                T* src = tile + (i * nr);
                T* dst = c + (i * ldc);
                if (accumulate)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        dst[j] += src[j];
                    }
                }
                else
                {
                    new ReadOnlySpan<T>(src, cols).CopyTo(new Span<T>(dst, cols));
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Per-thread packing buffers. They are pinned (allocated on the pinned object heap) so raw pointers into
    /// them stay valid, over-allocated by a cache line so the packed panels start 64-byte aligned (aligned
    /// vector loads never straddle lines), and they only ever grow, so steady-state calls allocate nothing.
    /// </summary>
    private static class Scratch<T>
        where T : unmanaged
    {
        private const int Alignment = 64;

        [ThreadStatic]
        private static T[]? s_buffer;

        public static unsafe T* Get(long length)
        {
            long needed = length + (Alignment / Unsafe.SizeOf<T>());
            T[]? buffer = s_buffer;
            if (buffer is null || buffer.Length < needed)
            {
                // Grow geometrically so a sequence of slightly larger problems does not reallocate each time.
                long size = Math.Max(needed, buffer is null ? 0 : Math.Min((long)buffer.Length * 3 / 2, Array.MaxLength));
                buffer = GC.AllocateUninitializedArray<T>(checked((int)size), pinned: true);
                s_buffer = buffer;
            }

            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            nint misalignment = address & (Alignment - 1);
            return (T*)(misalignment == 0 ? address : address + Alignment - misalignment);
        }
    }
}
