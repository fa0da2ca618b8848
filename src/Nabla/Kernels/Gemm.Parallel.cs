using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <content>The multi-threaded variant of the blocked driver.</content>
internal static partial class Gemm
{
    private static partial class Blocked<T, TKernel>
    {
        /// <summary>
        /// The largest packed operand (all of op(B), k × n, for a row split; all of op(A) for a column split) for
        /// which a split is balanced at run time (see <see cref="RunClaimedRowGroups"/>): half of a 2 MiB L2, so
        /// it stays there beside the other operand's panels and C.
        /// </summary>
        private const long ClaimedGroupsMaxPackedBytes = 1024 * 1024;

        /// <summary>Groups of micro-panels per member in a run-time balanced split: enough to even out a late member.</summary>
        private const int ClaimsPerMember = 8;

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
        /// Measured again with the two libraries timed alternately in one process (benchmarks' --paired-matmul):
        /// sharing the packed B was 2–15 % slower at 256³ to 1024³.
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
            private int _claimedGroups;

            /// <summary>Gets the job instance of this element type and kernel (callers hold its lock).</summary>
            public static SplitJob Shared { get; } = new();

            public void Prepare(Problem<T> problem)
            {
                _problem = problem;
                _claimedGroups = 0;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public override void Run(int member, int members, TeamBarrier barrier)
            {
                Problem<T> p = _problem;
                int mr = TKernel.MR, nr = TKernel.NR;
                int aPanels = (p.M + mr - 1) / mr, bPanels = (p.N + nr - 1) / nr;

                // Each member packs its share of one operand and all of the other: splitting the rows packs
                // m·k/2 + k·n elements per member, splitting the columns m·k + k·n/2, so split the longer side
                // (for the MLP's 128×784·784×256 the columns: 400 KB less packing per member). When all of op(B)
                // fits in L2, the rows are handed out at run time instead of in fixed halves: measured on two cores
                // of this VM at 256³ and 512³, 7–15 % faster, timed alternately with libtorch in one process. The
                // columns likewise when all of op(A) fits.
                bool splitRows = aPanels >= 2 * members && (p.M >= p.N || bPanels < 2 * members);
                if (splitRows && (long)p.K * RoundUp(p.N, nr) * Unsafe.SizeOf<T>() <= ClaimedGroupsMaxPackedBytes)
                {
                    RunClaimedRowGroups(p, Math.Max(1, aPanels / (ClaimsPerMember * members)), ref _claimedGroups);
                }
                else if (splitRows)
                {
                    int first = (int)((long)aPanels * member / members), last = (int)((long)aPanels * (member + 1) / members);
                    int row = first * mr, rows = Math.Min(p.M, last * mr) - row;
                    if (rows > 0)
                    {
                        Blocked<T, TKernel>.Run(new Problem<T>(
                            p.A + (row * p.RsA), p.RsA, p.CsA, p.B, p.RsB, p.CsB, p.C + (row * p.Ldc), p.Ldc, rows, p.N, p.K));
                    }
                }
                else if ((long)p.K * RoundUp(p.M, mr) * Unsafe.SizeOf<T>() <= ClaimedGroupsMaxPackedBytes)
                {
                    RunClaimedColumnGroups(p, Math.Max(1, bPanels / (ClaimsPerMember * members)), ref _claimedGroups);
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

        /// <summary>
        /// One member's part of a row split balanced at run time: the member packs all of op(B) once, then claims
        /// groups of <paramref name="groupPanels"/> MR-row micro-panels of op(A) and C from a counter shared by
        /// the members until none are left. A member slowed down by anything else on its core (on a shared VM, by
        /// tens of microseconds per call) then simply claims fewer groups instead of holding up the join. Only
        /// used when the whole packed op(B) stays in L2. Every element of C is summed over the same KC slices in
        /// the same order as in the single-threaded driver, so the result is the same bit for bit.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void RunClaimedRowGroups(Problem<T> p, int groupPanels, ref int claimedGroups)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            GetBlockSizes(p, out int kcMax, out int nbMax, out _, out _, out _);
            int groupRows = groupPanels * mr;
            int paddedN = RoundUp(p.N, nr);
            long aLength = RoundUpToLine((long)groupRows * Math.Min(kcMax, p.K));
            long bLength = RoundUpToLine((long)paddedN * p.K);
            T* aPack = Scratch<T>.Get(aLength + bLength + (mr * nr));
            T* bPack = aPack + aLength;
            T* tile = bPack + bLength;

            // All of op(B), KC slice after KC slice; within a slice the micro-panels of every NB block follow
            // each other, so block ic starts ic·kc elements into its slice.
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                PackB<T, TKernel>(p.B + (pc * p.RsB), p.RsB, p.CsB, kc, p.N, bPack + ((nint)pc * paddedN));
            }

            int groups = (p.M + groupRows - 1) / groupRows;
            for (int group = Interlocked.Increment(ref claimedGroups) - 1; group < groups; group = Interlocked.Increment(ref claimedGroups) - 1)
            {
                int row = group * groupRows, rows = Math.Min(groupRows, p.M - row);
                for (int pc = 0; pc < p.K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, p.K - pc);
                    PackA<T, TKernel>(p.A + (row * p.RsA) + (pc * p.CsA), p.RsA, p.CsA, rows, kc, aPack);
                    T* slice = bPack + ((nint)pc * paddedN);
                    for (int ic = 0; ic < p.N; ic += nbMax)
                    {
                        MacroKernel(kc, rows, Math.Min(nbMax, p.N - ic), aPack, slice + ((nint)ic * kc), p.C + (row * p.Ldc) + ic, p.Ldc, pc != 0, tile);
                    }
                }
            }
        }

        /// <summary>
        /// The column split's counterpart of <see cref="RunClaimedRowGroups"/>: the member packs all of op(A) once
        /// and claims groups of <paramref name="groupPanels"/> NR-column micro-panels of op(B) and C.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void RunClaimedColumnGroups(Problem<T> p, int groupPanels, ref int claimedGroups)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            GetBlockSizes(p, out int kcMax, out int nbMax, out _, out _, out _);
            int groupColumns = Math.Min(groupPanels * nr, nbMax);
            int paddedM = RoundUp(p.M, mr);
            long aLength = RoundUpToLine((long)paddedM * p.K);
            long bLength = RoundUpToLine((long)groupColumns * Math.Min(kcMax, p.K));
            T* aPack = Scratch<T>.Get(aLength + bLength + (mr * nr));
            T* bPack = aPack + aLength;
            T* tile = bPack + bLength;

            // All of op(A), KC slice after KC slice (each slice's row panels follow each other).
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                PackA<T, TKernel>(p.A + (pc * p.CsA), p.RsA, p.CsA, p.M, kc, aPack + ((nint)pc * paddedM));
            }

            int groups = (p.N + groupColumns - 1) / groupColumns;
            for (int group = Interlocked.Increment(ref claimedGroups) - 1; group < groups; group = Interlocked.Increment(ref claimedGroups) - 1)
            {
                int column = group * groupColumns, columns = Math.Min(groupColumns, p.N - column);
                for (int pc = 0; pc < p.K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, p.K - pc);
                    PackB<T, TKernel>(p.B + (pc * p.RsB) + (column * p.CsB), p.RsB, p.CsB, kc, columns, bPack);
                    MacroKernel(kc, p.M, columns, aPack + ((nint)pc * paddedM), bPack, p.C + column, p.Ldc, pc != 0, tile);
                }
            }
        }
    }
}
