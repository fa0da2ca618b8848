using System.Diagnostics;
using System.Globalization;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// <c>--fit-epochs eager|traced [--epochs N]</c>: N epochs of <see cref="KerasFit"/> in this process, first one
/// included (BenchmarkDotNet reports steady state only; a notebook user meets the first epoch), each with its wall
/// time, bytes allocated per step and the collections of each generation. Run it with and without the GC settings
/// (benchmarks/keras-fit.sh) to see what they buy.
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
            long started = Stopwatch.GetTimestamp();
            double loss = KerasFit.Epoch(model, x, y);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            long perStep = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / steps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}: {ms:F0} ms, {perStep / 1024.0:F1} KB allocated per step, collections gen0/gen1/gen2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, loss {loss:F4}"));
        }

        return 0;
    }
}
