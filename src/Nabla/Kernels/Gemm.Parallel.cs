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
                    job.Prepare(problem, threads);
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
        /// Splits a product between the team members along whole MR-row micro-panels of op(A) and C, or, when C is
        /// wider than tall (or has too few row panels to share), along whole NR-column micro-panels of op(B) and C:
        /// in groups claimed at run time (see <see cref="RunClaimedRowGroups"/>,
        /// <see cref="RunClaimedRowGroupsBySlice"/>, <see cref="RunClaimedColumnGroups"/>), or for large column
        /// splits in one fixed share per member, on which the member runs the single-threaded driver. Each member
        /// packs with its own buffers, so packed blocks never cross cores. Every element of C is summed exactly as
        /// the single-threaded driver sums it (the KC slicing depends on k only, shares start on micro-panel
        /// boundaries, and the slices of a group are added in order), so results do not depend on the thread count.
        /// </summary>
        private sealed unsafe class SplitJob : TeamJob
        {
            private Problem<T> _problem;
            private int _claimedGroups;

            // For RunClaimedRowGroupsBySlice: per row group, how many KC slices have been added to its rows of C.
            private int[] _slicesDone = [];

            /// <summary>Gets the job instance of this element type and kernel (callers hold its lock).</summary>
            public static SplitJob Shared { get; } = new();

            public void Prepare(Problem<T> problem, int members)
            {
                _problem = problem;
                _claimedGroups = 0;
                int aPanels = (problem.M + TKernel.MR - 1) / TKernel.MR;
                int groupPanels = RowGroupPanels(aPanels, members);
                int groups = (aPanels + groupPanels - 1) / groupPanels;
                if (_slicesDone.Length < groups)
                {
                    _slicesDone = new int[groups];
                }

                Array.Clear(_slicesDone, 0, groups);
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public override void Run(int member, int members, TeamBarrier barrier)
            {
                Problem<T> p = _problem;
                int mr = TKernel.MR, nr = TKernel.NR;
                int aPanels = (p.M + mr - 1) / mr, bPanels = (p.N + nr - 1) / nr;

                // Each member packs its share of one operand and all of the other: splitting the rows packs
                // m·k/2 + k·n elements per member, splitting the columns m·k + k·n/2, so split the longer side
                // (for the MLP's 128×784·784×256 the columns: 400 KB less packing per member). The rows are handed
                // out at run time, not in fixed halves: whole when all of op(B) fits in L2 (measured on two cores
                // of this VM at 256³ and 512³, 7–15 % faster, timed alternately with libtorch in one process),
                // KC slice by KC slice beyond that (2–15 % faster from 768³ to 2048³). The columns are handed out
                // at run time only while all of op(A) fits in L2, in fixed halves beyond.
                bool splitRows = aPanels >= 2 * members && (p.M >= p.N || bPanels < 2 * members);
                if (splitRows && (long)p.K * RoundUp(p.N, nr) * Unsafe.SizeOf<T>() <= ClaimedGroupsMaxPackedBytes)
                {
                    RunClaimedRowGroups(p, RowGroupPanels(aPanels, members), ref _claimedGroups);
                }
                else if (splitRows)
                {
                    RunClaimedRowGroupsBySlice(p, RowGroupPanels(aPanels, members), ref _claimedGroups, _slicesDone);
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
                            p.A, p.RsA, p.CsA, p.B + (column * p.CsB), p.RsB, p.CsB, p.C + column, p.Ldc, p.M, columns, p.K, p.Epilogue, p.Origin));
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
                        MacroKernel(kc, rows, Math.Min(nbMax, p.N - ic), aPack, slice + ((nint)ic * kc), p.C + (row * p.Ldc) + ic, p.Ldc, pc != 0, tile, p.EpilogueAfter(pc, kc), p.Origin);
                    }
                }
            }
        }

        /// <summary>Micro-panels per claimed group of rows: <see cref="ClaimsPerMember"/> groups per member.</summary>
        private static int RowGroupPanels(int aPanels, int members) => Math.Max(1, aPanels / (ClaimsPerMember * members));

        /// <summary>
        /// A row split balanced at run time for an op(B) too large to pack whole into L2. A claim is one group of
        /// <paramref name="groupPanels"/> MR-row micro-panels of op(A) and C in one KC slice, claimed slice after
        /// slice from the shared counter; a member packs each slice of op(B) (kc × n) once, when its first claim in
        /// that slice arrives. Before adding slice s to a group's rows of C, a member waits until slice s − 1 has
        /// been added there (<paramref name="slicesDone"/>, normally long done: every claim of slice s − 1 was
        /// handed out before any of slice s), so every element of C is summed over the KC slices in the
        /// single-threaded driver's order and the result is the same bit for bit.
        /// </summary>
        /// <remarks>
        /// Measured on two cores of this VM against fixed halves (each member running the single-threaded driver on
        /// half the rows), timed alternately in one process: 2–15 % faster at 768³ to 2048³ and on taller products
        /// (2048×1024·1024×1024, 4096×1024·1024×512), because a member whose core the host slows for a few
        /// milliseconds no longer holds up the join. A barrier between the slices instead of the per-group wait
        /// gained only half as much, and lost 4–6 % at 1280³ and beyond, where a slice of op(B) no longer stays in L2.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void RunClaimedRowGroupsBySlice(Problem<T> p, int groupPanels, ref int claimedGroups, int[] slicesDone)
        {
            int mr = TKernel.MR, nr = TKernel.NR;
            GetBlockSizes(p, out int kcMax, out int nbMax, out _, out _, out _);
            int kcAlloc = Math.Min(kcMax, p.K);
            int groupRows = groupPanels * mr;
            long aLength = RoundUpToLine((long)groupRows * kcAlloc);
            long bLength = RoundUpToLine((long)RoundUp(p.N, nr) * kcAlloc);
            T* aPack = Scratch<T>.Get(aLength + bLength + (mr * nr));
            T* bPack = aPack + aLength;
            T* tile = bPack + bLength;

            int groups = (p.M + groupRows - 1) / groupRows;
            int claims = groups * ((p.K + kcMax - 1) / kcMax);
            int packedSlice = -1;
            for (int claim = Interlocked.Increment(ref claimedGroups) - 1; claim < claims; claim = Interlocked.Increment(ref claimedGroups) - 1)
            {
                int slice = claim / groups, group = claim - (slice * groups);
                int pc = slice * kcMax, kc = Math.Min(kcMax, p.K - pc);
                if (slice != packedSlice)
                {
                    PackB<T, TKernel>(p.B + (pc * p.RsB), p.RsB, p.CsB, kc, p.N, bPack);
                    packedSlice = slice;
                }

                int row = group * groupRows, rows = Math.Min(groupRows, p.M - row);
                PackA<T, TKernel>(p.A + (row * p.RsA) + (pc * p.CsA), p.RsA, p.CsA, rows, kc, aPack);
                WaitForSlices(ref slicesDone[group], slice);
                for (int ic = 0; ic < p.N; ic += nbMax)
                {
                    MacroKernel(kc, rows, Math.Min(nbMax, p.N - ic), aPack, bPack + ((nint)ic * kc), p.C + (row * p.Ldc) + ic, p.Ldc, pc != 0, tile, p.EpilogueAfter(pc, kc), p.Origin);
                }

                // Release: this slice's stores to C are visible to whichever member adds the next slice.
                Volatile.Write(ref slicesDone[group], slice + 1);
            }
        }

        /// <summary>Spins (yielding, never sleeping) until <paramref name="slicesDone"/> reaches <paramref name="slices"/>.</summary>
        private static void WaitForSlices(ref int slicesDone, int slices)
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref slicesDone) < slices)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
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
                    MacroKernel(kc, p.M, columns, aPack + ((nint)pc * paddedM), bPack, p.C + column, p.Ldc, pc != 0, tile, p.EpilogueAfter(pc, kc), p.Origin);
                }
            }
        }
    }
}
