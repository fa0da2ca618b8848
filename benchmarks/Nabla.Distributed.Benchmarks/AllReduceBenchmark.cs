using System.Diagnostics;
using System.Globalization;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed.Benchmarks;

/// <summary>
/// The all-reduce sweep, with the C baseline's sizes, repetitions and timing rule (benchmarks/distributed/allreduce.c):
/// a barrier before each size, 3 untimed calls, then the mean over bytesPerSize / bytes calls (8 to 4,000). Besides
/// the time per call it prints, per variant and size, the time spent inside the MPI call that moves the data (on each
/// worker: what the managed layer adds is the rest), the bytes allocated, page faults and gen-2 collections per call.
/// </summary>
internal static class AllReduceBenchmark
{
    // new-tensor: no collective, only what strategy.AllReduce adds around its all-reduce (a new tensor holding a copy
    // of the input, Tensor.Create), so the tensor path's cost can be split into the collective's and the new tensor's.
    public static readonly string[] Variants = ["managed-buffer", "managed-buffer-unchecked", "strategy-tensor", "new-tensor"];

    public static int Calls(long bytes, long bytesPerSize) => (int)Math.Clamp(bytesPerSize / bytes, 8, 4000);

    public static void Run(MultiWorkerMirroredStrategy strategy, long minBytes, long maxBytes, long bytesPerSize, IEnumerable<string> variants)
    {
        Collectives.Collectives collectives = strategy.CollectivesForBenchmarks;
        float[] data = new float[maxBytes / 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 7 * 0.25f;
        }

        WarmUp(strategy, data, variants);
        foreach (string variant in variants)
        {
            for (long bytes = minBytes; bytes <= maxBytes; bytes *= 4)
            {
                int count = (int)(bytes / 4);
                int repetitions = Calls(bytes, bytesPerSize);
                Tensor tensor = Tf.Constant(data.AsSpan(0, count), new Shape(count));
                strategy.Barrier();
                long start = 0, allocated = 0, faults = 0, inside = 0, resetting = 0;
                int collections = 0;
                for (int i = -3; i < repetitions; i++)
                {
                    if (i == 0)
                    {
                        start = Stopwatch.GetTimestamp();
                        allocated = GC.GetAllocatedBytesForCurrentThread();
                        faults = MinorFaults();
                        collections = GC.CollectionCount(2);
                        inside = InsideMpi(strategy);
                    }

                    tensor = Call(strategy, variant, data, count, tensor);

                    // Keeps the buffer's sums finite. The tensor's may overflow to infinity: adding infinities costs the
                    // same, and a fresh tensor inside the timed loop would be timed with the call.
                    if (i % 16 == 0)
                    {
                        resetting += Reset(data, count, timed: i >= 0);
                    }
                }

                long elapsed = Stopwatch.GetTimestamp() - start;
                inside = InsideMpi(strategy) - inside;
                long faultsPerCall = (MinorFaults() - faults) / repetitions;
                long allocatedPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocated) / repetitions;
                double gen2PerThousand = (GC.CollectionCount(2) - collections) * 1000.0 / repetitions;

                // Each worker's time inside MPI and outside it, per call, to the chief (after the clock stopped).
                double[] times = new double[2 * strategy.NumReplicasInSync];
                times[2 * strategy.WorkerIndex] = Microseconds(inside) / repetitions;
                times[(2 * strategy.WorkerIndex) + 1] = Microseconds(elapsed - inside - resetting) / repetitions;
                collectives.AllReduceSum(times.AsSpan(), Purpose.User, "benchmark decomposition");
                if (strategy.IsChief)
                {
                    Print(variant, bytes, Microseconds(elapsed) / repetitions);
                    Print($"{variant}-allocated", bytes, allocatedPerCall);
                    Print($"{variant}-faults", bytes, faultsPerCall);
                    Print($"{variant}-gen2-per-1000", bytes, gen2PerThousand);
                    for (int r = 0; r < strategy.NumReplicasInSync; r++)
                    {
                        Print($"{variant}-inside-mpi-rank{r}", bytes, times[2 * r]);
                        Print($"{variant}-outside-mpi-rank{r}", bytes, times[(2 * r) + 1]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs every variant untimed, twice, 40 calls of 1 KiB and of 1 MiB each time, with a pause after each round: the
    /// tiered JIT compiles the layer's methods unoptimised first and recompiles them on a background thread after 30
    /// calls and a 100 ms delay, so without this the first sizes timed tier-0 code, or a compile competing with the two
    /// spinning workers for the 2 cores (C has no JIT, and a training job runs thousands of collectives).
    /// </summary>
    public static void WarmUp(MultiWorkerMirroredStrategy strategy, float[] data, IEnumerable<string> variants)
    {
        for (int round = 0; round < 2; round++)
        {
            foreach (string variant in variants)
            {
                for (int count = 256; count <= Math.Min(data.Length, 1 << 18); count *= 1024)
                {
                    Tensor tensor = Tf.Constant(data.AsSpan(0, count), new Shape(count));
                    for (int i = 0; i < 40; i++)
                    {
                        tensor = Call(strategy, variant, data, count, tensor);
                    }
                }
            }

            strategy.Barrier();
            Thread.Sleep(300);
        }
    }

    // One call of a variant; returns the tensor the next call takes.
    private static Tensor Call(MultiWorkerMirroredStrategy strategy, string variant, float[] data, int count, Tensor tensor)
    {
        Collectives.Collectives collectives = strategy.CollectivesForBenchmarks;
        switch (variant)
        {
            case "managed-buffer":
                collectives.AllReduceSum(data.AsSpan(0, count), Purpose.User, "benchmark");
                return tensor;
            case "managed-buffer-unchecked":
                collectives.AllReduceSum(data.AsSpan(0, count), Purpose.User, "benchmark", checkAgreement: false);
                return tensor;
            case "strategy-tensor":
                return strategy.AllReduce(tensor);
            case "new-tensor":
                return Tensor.Create<float, Tensor>(tensor.Shape, tensor, static (copy, input) => input.CopyTo(copy));
            default:
                throw new ArgumentException($"Unknown variant '{variant}'.", nameof(variant));
        }
    }

    /// <summary>
    /// Keeps the buffer's sums finite (the in-place sums double them on two workers), as C's loop does every 16 calls;
    /// returns the Stopwatch ticks it took when <paramref name="timed"/> (part of the loop's time, but not the layer's).
    /// </summary>
    public static long Reset(float[] data, int count, bool timed)
    {
        long start = timed ? Stopwatch.GetTimestamp() : 0;
        for (int k = 0; k < count; k += 1024)
        {
            data[k] = 1;
        }

        return timed ? Stopwatch.GetTimestamp() - start : 0;
    }

    /// <summary>This worker's Stopwatch ticks inside the MPI calls that moved all-reduce data so far (0 for one worker).</summary>
    public static long InsideMpi(MultiWorkerMirroredStrategy strategy) => strategy.MpiForBenchmarks?.TicksInsideAllReduceData ?? 0;

    public static double Microseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static void Print(string variant, long bytes, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {bytes} {value:0.00}"));

    // The process's minor page faults so far (Linux): first touches of fresh memory, ~11 µs each in this VM.
    private static long MinorFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ')[8], CultureInfo.InvariantCulture);
}
