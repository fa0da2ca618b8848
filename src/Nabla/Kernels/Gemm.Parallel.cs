using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <content>The multi-threaded variant of the blocked driver.</content>
internal static partial class Gemm
{
    /// <summary>
    /// Compute tasks per thread in each macro-kernel phase. More tasks than threads lets a thread that runs
    /// faster (e.g. on a less loaded core) take over work from a slower one, at the cost of slightly more
    /// scheduling; every task reuses the shared packed blocks, so finer splitting costs no extra packing.
    /// </summary>
    private const int TasksPerThread = 4;

    private static partial class Blocked<T, TKernel>
    {
        /// <summary>
        /// Runs the blocked algorithm on <paramref name="threads"/> threads of the persistent
        /// <see cref="GemmTeam"/>, with the packed blocks shared by all threads as BLIS does; falls back to
        /// one thread when the team is busy with another call.
        /// </summary>
        public static void RunParallel(Problem<T> problem, int threads)
        {
            ParallelJob job = ParallelJob.Shared;
            if (Monitor.TryEnter(job))
            {
                try
                {
                    job.Prepare(problem);
                    if (GemmTeam.Shared.TryRun(job, threads))
                    {
                        return;
                    }
                }
                finally
                {
                    Monitor.Exit(job);
                }
            }

            Run(problem);
        }

        /// <summary>
        /// One parallel product, run by every team member. Per (KC slice, NB block) there is one phase in which
        /// each member packs its static share of the B block (and, on a slice's first block, of the slab of A),
        /// one barrier, and one compute phase in which members take tasks (ranges of A micro-panels, or of B
        /// micro-panels when m is too small to feed every thread) from a shared counter. The packed blocks are
        /// double-buffered, so the next block can be packed while a slower member still computes the previous
        /// one: the single barrier per block is all the synchronisation there is.
        /// </summary>
        private sealed unsafe class ParallelJob : TeamJob
        {
            private Problem<T> _problem;
            private T* _aPack;
            private T* _bPack;
            private long _aLength;
            private long _bLength;
            private long _ticket;

            /// <summary>Gets the job instance of this element type and kernel (used by one call at a time: callers hold its lock).</summary>
            public static ParallelJob Shared { get; } = new();

            public void Prepare(Problem<T> problem)
            {
                _problem = problem;
                GetBlockSizes(problem, out _, out _, out _, out _aLength, out _bLength);
                _aPack = Scratch<T>.Get(2 * (_aLength + _bLength));
                _bPack = _aPack + (2 * _aLength);
                _ticket = 0;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public override void Run(int member, int members, TeamBarrier barrier)
            {
                int mr = TKernel.MR, nr = TKernel.NR;
                Problem<T> problem = _problem;
                GetBlockSizes(problem, out int kcMax, out int nbMax, out int mbMax, out _, out _);
                T* tile = stackalloc T[mr * nr];
                int m = problem.M, n = problem.N, k = problem.K;
                nint rsA = problem.RsA, csA = problem.CsA, rsB = problem.RsB, csB = problem.CsB, ldc = problem.Ldc;
                int slice = 0, block = 0;
                long ticketBase = 0;
                for (int jc = 0; jc < m; jc += mbMax)
                {
                    int mb = Math.Min(mbMax, m - jc);
                    int aPanels = (mb + mr - 1) / mr;
                    bool splitRows = aPanels >= 2 * members;
                    for (int pc = 0; pc < k; pc += kcMax, slice++)
                    {
                        int kc = Math.Min(kcMax, k - pc);
                        T* aSource = problem.A + (jc * rsA) + (pc * csA);
                        T* aPack = _aPack + ((slice & 1) * _aLength);
                        for (int ic = 0; ic < n; ic += nbMax, block++)
                        {
                            int nb = Math.Min(nbMax, n - ic);
                            int bPanels = (nb + nr - 1) / nr;
                            T* bPack = _bPack + ((block & 1) * _bLength);
                            if (ic == 0)
                            {
                                int first = aPanels * member / members, last = aPanels * (member + 1) / members;
                                int row = first * mr, rows = Math.Min(mb, last * mr) - row;
                                if (rows > 0)
                                {
                                    PackA<T, TKernel>(aSource + (row * rsA), rsA, csA, rows, kc, aPack + ((nint)row * kc));
                                }
                            }

                            {
                                int first = bPanels * member / members, last = bPanels * (member + 1) / members;
                                int column = first * nr, columns = Math.Min(nb, last * nr) - column;
                                if (columns > 0)
                                {
                                    PackB<T, TKernel>(
                                        problem.B + (pc * rsB) + ((ic + column) * csB), rsB, csB, kc, columns, bPack + ((nint)column * kc));
                                }
                            }

                            barrier.SignalAndWait();

                            int units = splitRows ? aPanels : bPanels;
                            int tasks = Math.Min(units, members * TasksPerThread);
                            long end = ticketBase + tasks;
                            T* c = problem.C + (jc * ldc) + ic;
                            bool accumulate = pc != 0;
                            for (long ticket = Take(end); ticket >= 0; ticket = Take(end))
                            {
                                int task = (int)(ticket - ticketBase);
                                int first = (int)((long)units * task / tasks), last = (int)((long)units * (task + 1) / tasks);
                                if (splitRows)
                                {
                                    int row = first * mr, rows = Math.Min(mb, last * mr) - row;
                                    MacroKernel(kc, rows, nb, aPack + ((nint)row * kc), bPack, c + (row * ldc), ldc, accumulate, tile);
                                }
                                else
                                {
                                    int column = first * nr, columns = Math.Min(nb, last * nr) - column;
                                    MacroKernel(kc, mb, columns, aPack, bPack + ((nint)column * kc), c + column, ldc, accumulate, tile);
                                }
                            }

                            ticketBase = end;
                        }
                    }
                }
            }

            /// <summary>Takes the next task ticket below <paramref name="end"/>, or returns −1 when none is left.</summary>
            private long Take(long end)
            {
                while (true)
                {
                    long current = Volatile.Read(ref _ticket);
                    if (current >= end)
                    {
                        return -1;
                    }

                    if (Interlocked.CompareExchange(ref _ticket, current + 1, current) == current)
                    {
                        return current;
                    }
                }
            }
        }
    }
}
