using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed.Benchmarks;

/// <summary>
/// The 5 % question measured inside one process pair: C's loop of <c>MPI_Allreduce</c> calls (allreduce.c built as a
/// shared library, called on this process's own buffer) and the same number of the managed layer's all-reduces, with
/// the agreement check (as the strategy runs them) and without it, alternate in short blocks, a barrier before each
/// block and the order rotated from one round to the next (C, checked, unchecked; checked, unchecked, C; ...). Each
/// round gives a ratio managed / C taken milliseconds apart in the same processes, so the machine's slow drifts and
/// the placement of the two processes cancel out of it; the ratios are summarised by their median and its
/// distribution-free 95 % interval (<see cref="MedianInterval"/>). The managed blocks are also split into the time
/// inside the MPI call that moves the data and the rest (the layer's own work), on each worker.
/// </summary>
internal static unsafe class InterleavedBenchmark
{
    private static readonly string[] Names = ["C MPI_Allreduce", "managed", "managed, no agreement check"];

    public static void Run(MultiWorkerMirroredStrategy strategy, string library, long minBytes, long maxBytes, int rounds)
    {
        var cLoop = (delegate* unmanaged<float*, float*, int, int, int, double>)NativeLibrary.GetExport(
            NativeLibrary.Load(Path.GetFullPath(library)), "nabla_c_allreduce");
        Collectives.Collectives collectives = strategy.CollectivesForBenchmarks;
        float[] data = GC.AllocateArray<float>((int)(maxBytes / 4), pinned: true);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 7 * 0.25f;
        }

        AllReduceBenchmark.WarmUp(strategy, data, ["managed-buffer", "managed-buffer-unchecked"]);
        if (strategy.IsChief)
        {
            Console.WriteLine($"In-process interleaved blocks, {rounds} rounds per size (C's loop and the managed layer's alternating in one process pair):");
            Console.WriteLine();
            Console.WriteLine("| bytes | variant | calls per block | C median (µs) | managed median (µs) | median of paired ratios | 95 % interval | rounds above 1.05 | 5 % goal | outside MPI per call, worker 0 (µs, median over blocks; % of call) | worker 1 |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---|---:|---|---:|---:|");
        }

        var roundLines = new List<string>();
        fixed (float* p = data)
        {
            for (long bytes = minBytes; bytes <= maxBytes; bytes *= 4)
            {
                int count = (int)(bytes / 4);
                int calls = AllReduceBenchmark.Calls(bytes, 32L << 20);
                strategy.Barrier();
                cLoop(p, p, count, 3, 0);
                _ = ManagedBlock(collectives, data, count, 3, checkAgreement: true);
                _ = ManagedBlock(collectives, data, count, 3, checkAgreement: false);

                // times[v][round] and layer[v][round]: µs per call in all, and outside MPI (the reset left out).
                double[][] times = [new double[rounds], new double[rounds], new double[rounds]];
                double[][] layer = [new double[rounds], new double[rounds], new double[rounds]];
                for (int round = 0; round < rounds; round++)
                {
                    for (int slot = 0; slot < 3; slot++)
                    {
                        int v = (slot + round) % 3;
                        strategy.Barrier();
                        if (v == 0)
                        {
                            times[0][round] = cLoop(p, p, count, calls, 0) * 1e6 / calls;
                            continue;
                        }

                        long before = AllReduceBenchmark.InsideMpi(strategy);
                        (long ticks, long resetting) = ManagedBlock(collectives, data, count, calls, checkAgreement: v == 1);
                        long inside = AllReduceBenchmark.InsideMpi(strategy) - before;
                        times[v][round] = AllReduceBenchmark.Microseconds(ticks) / calls;
                        layer[v][round] = AllReduceBenchmark.Microseconds(ticks - inside - resetting) / calls;
                    }
                }

                // Each worker's median time outside MPI per managed variant (a median over the blocks: one descheduled
                // moment does not decide it), and its share of the call, to the chief after the clocks stopped.
                int workers = strategy.NumReplicasInSync;
                double[] outside = new double[4 * workers];
                for (int v = 1; v < 3; v++)
                {
                    int at = (((v - 1) * workers) + strategy.WorkerIndex) * 2;
                    outside[at] = MedianInterval.Of(layer[v]).Median;
                    outside[at + 1] = 100.0 * outside[at] / MedianInterval.Of(times[v]).Median;
                }

                collectives.AllReduceSum(outside.AsSpan(), Purpose.User, "benchmark decomposition");
                if (strategy.IsChief)
                {
                    for (int v = 1; v < 3; v++)
                    {
                        Report(bytes, Names[v], calls, times[0], times[v], outside.AsSpan((v - 1) * workers * 2, workers * 2));
                    }

                    for (int round = 0; round < rounds; round++)
                    {
                        roundLines.Add(string.Create(CultureInfo.InvariantCulture,
                            $"interleaved-round {bytes} {round} {times[0][round]:0.00} {times[1][round]:0.00} {times[2][round]:0.00}"));
                    }
                }
            }
        }

        if (strategy.IsChief)
        {
            Console.WriteLine();
            Console.WriteLine("Every round: interleaved-round <bytes> <round> <C µs> <managed µs> <managed, no check µs>");
            roundLines.ForEach(Console.WriteLine);
        }
    }

    // The managed layer's all-reduces, as the sweep's "managed-buffer" (or "-unchecked") variant: the Stopwatch ticks
    // they took, and those of the values' reset among them (C's loop resets them too; not the layer's time).
    private static (long Ticks, long Resetting) ManagedBlock(Collectives.Collectives collectives, float[] data, int count, int calls,
        bool checkAgreement)
    {
        long start = Stopwatch.GetTimestamp();
        long resetting = 0;
        for (int i = 0; i < calls; i++)
        {
            collectives.AllReduceSum(data.AsSpan(0, count), Purpose.User, "benchmark", checkAgreement);
            if (i % 16 == 0)
            {
                resetting += AllReduceBenchmark.Reset(data, count, timed: true);
            }
        }

        return (Stopwatch.GetTimestamp() - start, resetting);
    }

    private static void Report(long bytes, string variant, int calls, double[] c, double[] managed, ReadOnlySpan<double> outside)
    {
        double[] ratios = new double[c.Length];
        int above = 0;
        for (int i = 0; i < c.Length; i++)
        {
            ratios[i] = managed[i] / c[i];
            above += ratios[i] > MedianInterval.Goal ? 1 : 0;
        }

        (double ratio, double low, double high) = MedianInterval.Of(ratios);
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture,
            $"| {bytes} | {variant} | {calls} | {MedianInterval.Of(c).Median:0.0} | {MedianInterval.Of(managed).Median:0.0} | {ratio:0.000} | {low:0.000}-{high:0.000} | {above} of {c.Length} | {MedianInterval.Verdict(low, high)} |");
        for (int r = 0; r < outside.Length / 2; r++)
        {
            line.Append(CultureInfo.InvariantCulture, $" {outside[2 * r]:0.0} ({outside[(2 * r) + 1]:0.0} %) |");
        }

        Console.WriteLine(line.ToString());
    }
}
