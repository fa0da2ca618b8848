using System.Diagnostics;
using System.Globalization;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed.Benchmarks;

/// <summary>The all-reduce sweep, with the C baseline's sizes, repetitions and timing rule (benchmarks/distributed/allreduce.c).</summary>
internal static class AllReduceBenchmark
{
    public static void Run(MultiWorkerMirroredStrategy strategy, long maxBytes)
    {
        Collectives.Collectives collectives = strategy.CollectivesForBenchmarks;
        float[] data = new float[maxBytes / 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 7 * 0.25f;
        }

        foreach (string variant in new[] { "managed-buffer", "managed-buffer-unchecked", "strategy-tensor" })
        {
            for (long bytes = 1024; bytes <= maxBytes; bytes *= 4)
            {
                int count = (int)(bytes / 4);
                int repetitions = (int)Math.Clamp((1L << 30) / bytes, 20, 4000);
                Tensor tensor = Tf.Constant(data.AsSpan(0, count), new Shape(count));
                strategy.Barrier();
                long start = 0;
                long allocated = 0;
                long faults = 0;
                for (int i = -3; i < repetitions; i++)
                {
                    if (i == 0)
                    {
                        start = Stopwatch.GetTimestamp();
                        allocated = GC.GetAllocatedBytesForCurrentThread();
                        faults = MinorFaults();
                    }

                    switch (variant)
                    {
                        case "managed-buffer":
                            collectives.AllReduceSum(data.AsSpan(0, count), Purpose.User, "benchmark");
                            break;
                        case "managed-buffer-unchecked":
                            collectives.AllReduceSum(data.AsSpan(0, count), Purpose.User, "benchmark", checkAgreement: false);
                            break;
                        default:
                            tensor = strategy.AllReduce(tensor);
                            break;
                    }

                    // Keeps the buffer's sums finite (the tensor's sums may overflow to infinity: adding infinities
                    // costs the same, and a fresh tensor inside the timed loop would be timed with the call).
                    if (i % 16 == 0)
                    {
                        for (int k = 0; k < count; k += 1024)
                        {
                            data[k] = 1;
                        }
                    }
                }

                double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / repetitions;
                long faultsPerCall = (MinorFaults() - faults) / repetitions;
                long allocatedPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocated) / repetitions;
                if (strategy.IsChief)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {bytes} {microseconds:0.00}"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant}-allocated {bytes} {allocatedPerCall}"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant}-faults {bytes} {faultsPerCall}"));
                }
            }
        }
    }

    // The process's minor page faults so far (Linux): first touches of fresh memory, ~11 µs each in this VM.
    private static long MinorFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ')[8], CultureInfo.InvariantCulture);
}
