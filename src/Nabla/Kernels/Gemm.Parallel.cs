using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <content>The multi-threaded variant of the blocked driver.</content>
internal static partial class Gemm
{
    private static partial class Blocked<T, TKernel>
    {
        /// <summary>
        /// Runs the blocked algorithm on <paramref name="threads"/> threads of the persistent
        /// <see cref="WorkerTeam"/> (the calling thread is one of them), each computing an independent share of C;
        /// falls back to one thread when the team is busy with another call.
        /// </summary>
        /// <remarks>
        /// Measured against sharing the packed blocks between the threads (BLIS's scheme: each block of B
        /// packed cooperatively, one barrier per block, micro-panel tasks handed out dynamically): independent
        /// shares were as fast or faster at every size from 256 to 2048 on two Sapphire Rapids cores, and
        /// clearly faster at 256 (packed data written by one core and read by the other costs cross-core
        /// transfers, and the barriers cost more than packing B twice, which is O(k·n) against O(m·n·k/2)).
        /// </remarks>
        public static void RunParallel(Problem<T> problem, int threads)
        {
            SplitJob job = SplitJob.Shared;
            if (Monitor.TryEnter(job))
            {
                try
                {
                    job.Prepare(problem);
                    if (WorkerTeam.Shared.TryRun(job, threads))
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
        /// Splits a product into one independent sub-product per team member: contiguous ranges of whole MR-row
        /// micro-panels of op(A) and C, or, when C is wider than tall (or has too few row panels to share), of
        /// whole NR-column micro-panels of op(B) and C. Each member runs the single-threaded driver on its share with its own
        /// packing buffers, so the packed blocks never cross cores and nothing synchronises but the final join.
        /// Every element of C is summed exactly as the single-threaded driver sums it (the KC slicing depends on
        /// k only, and shares start on micro-panel boundaries), so results do not depend on the thread count.
        /// </summary>
        private sealed unsafe class SplitJob : TeamJob
        {
            private Problem<T> _problem;

            /// <summary>Gets the job instance of this element type and kernel (callers hold its lock).</summary>
            public static SplitJob Shared { get; } = new();

            public void Prepare(Problem<T> problem) => _problem = problem;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public override void Run(int member, int members, TeamBarrier barrier)
            {
                Problem<T> p = _problem;
                int mr = TKernel.MR, nr = TKernel.NR;
                int aPanels = (p.M + mr - 1) / mr, bPanels = (p.N + nr - 1) / nr;

                // Each member packs its share of one operand and all of the other: splitting the rows packs
                // m·k/2 + k·n elements per member, splitting the columns m·k + k·n/2, so split the longer side
                // (for the MLP's 128×784·784×256 the columns: 400 KB less packing per member).
                bool splitRows = aPanels >= 2 * members && (p.M >= p.N || bPanels < 2 * members);
                if (splitRows)
                {
                    int first = (int)((long)aPanels * member / members), last = (int)((long)aPanels * (member + 1) / members);
                    int row = first * mr, rows = Math.Min(p.M, last * mr) - row;
                    if (rows > 0)
                    {
                        Blocked<T, TKernel>.Run(new Problem<T>(
                            p.A + (row * p.RsA), p.RsA, p.CsA, p.B, p.RsB, p.CsB, p.C + (row * p.Ldc), p.Ldc, rows, p.N, p.K));
                    }
                }
                else
                {
                    int first = (int)((long)bPanels * member / members), last = (int)((long)bPanels * (member + 1) / members);
                    int column = first * nr, columns = Math.Min(p.N, last * nr) - column;
                    if (columns > 0)
                    {
                        Blocked<T, TKernel>.Run(new Problem<T>(
                            p.A, p.RsA, p.CsA, p.B + (column * p.CsB), p.RsB, p.CsB, p.C + column, p.Ldc, p.M, columns, p.K));
                    }
                }
            }
        }
    }
}
