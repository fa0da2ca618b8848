using System.Diagnostics;
using System.Globalization;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// <c>--gelu-probe</c>: an in-process probe of case i's GELU chain (4M float32), beside BenchmarkDotNet. Per call of
/// the traced function, of eager Nabla and of the fused kernel alone (into a reused output, and into a fresh one):
/// median, mean, 90th percentile and worst time, collections per generation and minor page faults (Linux) per call;
/// and a plain copy of 16 MiB into a reused buffer, the memory-bandwidth floor. It separates the kernel from what
/// a fresh 16 MiB output per call costs (on a VM whose host reclaims freed pages, 4,096 faults of ~12 µs each).
/// </summary>
public static class GeluProbe
{
    public static int Run(int calls)
    {
        ThreadSettings.SetNabla(1);
        Console.WriteLine($"// GC settings: {ChildGCSettings.Describe()}, concurrent {System.Runtime.GCSettings.LatencyMode}");
        float[] values = InputData.Uniform(GraphMode.GeluSize, seed: 9, low: -3f, high: 3f);
        Tensor x = Tf.Constant(values, [GraphMode.GeluSize]);
        var traced = Tf.Function((Func<Tensor, Tensor>)GraphMode.GeluNabla, name: "gelu");
        Time("traced", calls, () => traced.Invoke(x));
        Time("eager", Math.Max(calls / 4, 5), () => GraphMode.GeluNabla(x));

        ExecutionPlan plan = traced.GetConcreteFunction(x).Executor.PlanFor([x]);
        int step = Array.FindIndex(plan.Ops, op => op is FusedElementwiseOp);
        var fused = (FusedElementwiseOp)plan.Ops[step];
        Console.WriteLine($"// {fused.Name}: compiled {fused.IsCompiled}");
        Tensor[] inputs = [.. plan.Inputs[step].Select(j => plan.Ops[j] is ConstantOp constant ? constant.Value : x)];
        Tensor reused = Tensor.Uninitialized(x.Shape, x.DType);
        FusedLoopBody? loop = fused.LoopForCall(reused.Size); // the compiled loop (4M elements compile on the first call)
        Time("kernel into a reused output", calls, () =>
        {
            fused.RunRange(inputs, reused, 0, reused.Size, loop);
            return reused;
        });
        Time("kernel into a fresh output", calls, () =>
        {
            Tensor output = Tensor.Uninitialized(x.Shape, x.DType);
            fused.RunRange(inputs, output, 0, output.Size, loop);
            return output;
        });
        float[] buffer = new float[values.Length];
        Time("copy 16 MiB, reused buffer", calls, () =>
        {
            values.AsSpan().CopyTo(buffer);
            return x;
        });
        return 0;
    }

    private static void Time(string label, int calls, Func<Tensor> body)
    {
        for (int i = 0; i < 3; i++)
        {
            body();
        }

        int gen0 = GC.CollectionCount(0);
        int gen1 = GC.CollectionCount(1);
        int gen2 = GC.CollectionCount(2);
        long faults = MinorFaults();
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        double perCall(long count) => (double)count / calls;
        double mean = ms.Average();
        Array.Sort(ms);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{label,-28} median {ms[calls / 2],8:F3} ms  mean {mean,8:F3}  p90 {ms[calls * 9 / 10],8:F3}  max {ms[^1],8:F3}  gen0/1/2 per call {perCall(GC.CollectionCount(0) - gen0):F2}/{perCall(GC.CollectionCount(1) - gen1):F2}/{perCall(GC.CollectionCount(2) - gen2):F2}  minor faults per call {perCall(MinorFaults() - faults):F0}"));
    }

    // Field 10 of /proc/self/stat (minflt); -1 where there is none.
    private static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return -1;
        }

        string[] fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
