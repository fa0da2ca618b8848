using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <content>The multi-threaded variant of the blocked driver.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Compute tasks per thread in each macro-kernel phase. More tasks than threads lets a thread that runs
    /// faster (e.g. on a less loaded core) take over work from a slower one, at the cost of slightly more
    /// scheduling; every task reuses the shared packed B block, so finer splitting costs no extra packing.
    /// </summary>
    private const int TasksPerThread = 4;

    /// <summary>B blocks smaller than this many elements are packed by the calling thread alone.</summary>
    private const long ParallelPackMinElements = 64 * 1024;

    private static partial class Blocked<T, TKernel>
    {
        /// <summary>
        /// Runs the blocked algorithm with the packed blocks shared by all threads, as BLIS does: the KC×NB
        /// block of B is packed once (cooperatively), then the MR-row micro-panels of the slab of A (or, when
        /// m is too small to feed every thread, the NR-column micro-panels of B) are distributed as tasks.
        /// Each <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> returning acts as the barrier
        /// between the packing and compute phases.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void RunParallel(Problem<T> problem, int threads)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            GetBlockSizes(problem, out int kcMax, out int nbMax, out int mbMax, out long aLength, out long bLength);
            T* aPack = Scratch<T>.Get(aLength + bLength);
            T* bPack = aPack + aLength;

            int m = problem.M, n = problem.N, k = problem.K;
            nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, csB = problem.CsB, ldc = problem.Ldc;
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            for (int jc = 0; jc < m; jc += mbMax)
            {
                int mb = Math.Min(mbMax, m - jc);
                int aPanels = (mb + mr - 1) / mr;
                bool splitRows = aPanels >= 2 * threads;
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    T* aSource = problem.A + (jc * rsA) + (pc * csA);
                    if (!splitRows)
                    {
                        // Few rows: A is small, so pack it here; the tasks then split the columns.
                        PackA<T, TKernel>(aSource, rsA, csA, mb, kc, aPack);
                    }

                    for (int ic = 0; ic < n; ic += nbMax)
                    {
                        int nb = Math.Min(nbMax, n - ic);
                        var block = new BlockTask<T>(
                            aSource, rsA, csA, aPack, problem.B + (pc * rsB) + (ic * csB), rsB, csB, bPack,
                            problem.C + (jc * ldc) + ic, ldc, mb, nb, kc, accumulate: pc != 0, packA: splitRows && ic == 0);
                        PackBlockB(block, threads, options);

                        int units = splitRows ? aPanels : (nb + nr - 1) / nr;
                        int tasks = Math.Min(units, threads * TasksPerThread);
                        Parallel.For(0, tasks, options, task => ComputeTask(block, splitRows, units, tasks, task));
                    }
                }
            }
        }

        private static unsafe void PackBlockB(BlockTask<T> block, int threads, ParallelOptions options)
        {
            int nr = TKernel.NR;
            if ((long)block.Kc * block.Nb < ParallelPackMinElements)
            {
                PackB<T, TKernel>(block.B, block.RsB, block.CsB, block.Kc, block.Nb, block.BPack);
                return;
            }

            int panels = (block.Nb + nr - 1) / nr;
            int tasks = Math.Min(panels, threads);
            Parallel.For(0, tasks, options, task =>
            {
                int first = panels * task / tasks, last = panels * (task + 1) / tasks;
                int column = first * nr, count = Math.Min(block.Nb, last * nr) - column;
                PackB<T, TKernel>(
                    block.B + (column * block.CsB), block.RsB, block.CsB, block.Kc, count, block.BPack + ((nint)column * block.Kc));
            });
        }

        /// <summary>Computes one task's share (a range of A micro-panels, or of B micro-panels) of a block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ComputeTask(BlockTask<T> block, bool splitRows, int units, int tasks, int task)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            T* tile = stackalloc T[mr * nr];
            int first = (int)((long)units * task / tasks), last = (int)((long)units * (task + 1) / tasks);
            int kc = block.Kc;
            if (splitRows)
            {
                int row = first * mr, rows = Math.Min(block.Mb, last * mr) - row;
                T* aPanels = block.APack + ((nint)row * kc);
                if (block.PackA)
                {
                    // The first column block of each KC slice packs A, each task the panels it multiplies;
                    // the following column blocks reuse them, whichever task they land on.
                    PackA<T, TKernel>(block.A + (row * block.RsA), block.RsA, block.CsA, rows, kc, aPanels);
                }

                MacroKernel(kc, rows, block.Nb, aPanels, block.BPack, block.C + (row * block.Ldc), block.Ldc, block.Accumulate, tile);
            }
            else
            {
                int column = first * nr, columns = Math.Min(block.Nb, last * nr) - column;
                MacroKernel(
                    kc, block.Mb, columns, block.APack, block.BPack + ((nint)column * kc), block.C + column, block.Ldc, block.Accumulate, tile);
            }
        }
    }

    /// <summary>Everything a parallel task needs about one (KC slice, NB block) step.</summary>
    private readonly unsafe struct BlockTask<T>
        where T : unmanaged
    {
        public BlockTask(
            T* a, nint rsA, nint csA, T* aPack, T* b, nint rsB, nint csB, T* bPack, T* c, nint ldc, int mb, int nb, int kc, bool accumulate, bool packA)
        {
            A = a;
            APack = aPack;
            B = b;
            BPack = bPack;
            C = c;
            RsA = rsA;
            CsA = csA;
            RsB = rsB;
            CsB = csB;
            Ldc = ldc;
            Mb = mb;
            Nb = nb;
            Kc = kc;
            Accumulate = accumulate;
            PackA = packA;
        }

        /// <summary>Gets the source A block (element (i, p) at <c>A[i·RsA + p·CsA]</c>).</summary>
        public T* A { get; }

        /// <summary>Gets the shared packing buffer for the slab of A.</summary>
        public T* APack { get; }

        /// <summary>Gets the source B block (element (p, j) at <c>B[p·RsB + j·CsB]</c>).</summary>
        public T* B { get; }

        /// <summary>Gets the shared packing buffer for the block of B.</summary>
        public T* BPack { get; }

        /// <summary>Gets the top-left element of the C block.</summary>
        public T* C { get; }

        public nint RsA { get; }

        public nint CsA { get; }

        public nint RsB { get; }

        public nint CsB { get; }

        public nint Ldc { get; }

        public int Mb { get; }

        public int Nb { get; }

        public int Kc { get; }

        /// <summary>Gets a value indicating whether C is accumulated into (false for the first KC slice).</summary>
        public bool Accumulate { get; }

        /// <summary>Gets a value indicating whether the compute tasks pack their A micro-panels first.</summary>
        public bool PackA { get; }
    }
}
