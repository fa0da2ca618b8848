using System.Diagnostics;
using System.Globalization;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// <c>--fit-epochs eager|traced [--epochs N]</c>: N epochs of <see cref="KerasFit"/> in this process, first one
/// included (BenchmarkDotNet reports steady state only; a notebook user meets the first epoch), each with its wall
/// time, bytes allocated per step, the collections of each generation, the page faults of the process (memory the GC
/// committed afresh) and its peak resident memory. Run it with and without the GC settings (benchmarks/keras-fit.sh)
/// to see what they buy: the counts do not depend on the machine's load, the times do.
/// </summary>
public static class FitEpochs
{
    /// <summary>Runs the epochs and prints one line each.</summary>
    public static int Run(string mode, int epochs)
    {
        bool eager = mode == "eager";
        (Tensor x, Tensor y) = KerasFit.Data();
        var model = KerasFit.Model(eager);
        Console.WriteLine($"Keras Fit, steps {(eager ? "eager" : "traced")}, {KerasFit.Samples:N0} x {KerasFit.Features} float32, batch {KerasFit.BatchSize}; GC settings: {ChildGCSettings.Describe()}");
        const int steps = (KerasFit.Samples + KerasFit.BatchSize - 1) / KerasFit.BatchSize;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            long faults = MinorPageFaults();
            long started = Stopwatch.GetTimestamp();
            double loss = KerasFit.Epoch(model, x, y);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            long perStep = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / steps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}: {ms:F0} ms, {perStep / 1024.0:F1} KB allocated per step, collections gen0/gen1/gen2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, "
                + $"{(MinorPageFaults() - faults) / 1000.0:F0}k page faults, peak {PeakResidentMiB()} MiB resident, loss {loss:F4}"));
        }

        return 0;
    }

    // Linux's counters for this process (/proc/self/stat field 10, /proc/self/status VmHWM); -1 elsewhere.
    private static long MinorPageFaults() => File.Exists("/proc/self/stat")
        ? long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7], CultureInfo.InvariantCulture)
        : -1;

    private static long PeakResidentMiB()
    {
        string? line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
