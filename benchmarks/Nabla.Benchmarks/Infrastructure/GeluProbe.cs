using System.Diagnostics;
using System.Runtime.Intrinsics;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>In-process probe of the traced GELU: per-call time, GC counts, the kernel alone into a reused buffer, memory bounds.</summary>
public static class GeluProbe
{
    public static int Run(int calls)
    {
        ThreadSettings.SetNabla(1);
        float[] values = InputData.Uniform(GraphMode.GeluSize, seed: 9, low: -3f, high: 3f);
        Tensor x = Tf.Constant(values, [GraphMode.GeluSize]);
        var f = Tf.Function((Func<Tensor, Tensor>)GraphMode.GeluNabla, name: "gelu");
        f.Invoke(x);
        Time("traced", calls, () => f.Invoke(x));
        Time("eager", Math.Max(calls / 4, 5), () => GraphMode.GeluNabla(x));

        ExecutionPlan plan = f.GetConcreteFunction(x).Executor.PlanFor([x]);
        int step = Array.FindIndex(plan.Ops, op => op is FusedElementwiseOp);
        var fused = (FusedElementwiseOp)plan.Ops[step];
        Console.WriteLine($"fused: {fused.Name}, compiled {fused.IsCompiled}, inputs {fused.InputCount}; GC: {ChildGCSettings.Describe()}");
        Tensor reused = Tensor.Uninitialized(x.Shape, x.DType);
        Tensor[] inputs = [.. plan.Inputs[step].Select(j => plan.Ops[j] is ConstantOp c ? c.Value : x)];
        Time("kernel into reused output", calls, () => { fused.RunRange(inputs, reused, 0, reused.Size); return reused; });
        Time("kernel into fresh output", calls, () => { var o = Tensor.Uninitialized(x.Shape, x.DType); fused.RunRange(inputs, o, 0, o.Size); return o; });
        float[] buffer = new float[values.Length];
        Time("copy into reused", calls, () => { values.AsSpan().CopyTo(buffer); return x; });
        Time("copy into fresh", calls, () => { float[] b = GC.AllocateUninitializedArray<float>(values.Length); values.AsSpan().CopyTo(b); GC.KeepAlive(b); return x; });
        Time("nt-copy into reused", calls, () => { NonTemporalCopy(values, buffer); return x; });
        Time("traced again", calls, () => f.Invoke(x));
        return 0;
    }

    private static unsafe void NonTemporalCopy(float[] source, float[] destination)
    {
        fixed (float* s = source)
        fixed (float* d = destination)
        {
            int i = 0;
            int head = (int)(((64 - ((nuint)d & 63)) & 63) / 4);
            for (; i < head; i++)
            {
                d[i] = s[i];
            }

            for (; i <= source.Length - 16; i += 16)
            {
                System.Runtime.Intrinsics.X86.Avx512F.StoreAlignedNonTemporal(d + i, Vector512.Load(s + i));
            }

            for (; i < source.Length; i++)
            {
                d[i] = s[i];
            }
        }
    }

    private static void Time(string label, int calls, Func<Tensor> body)
    {
        for (int i = 0; i < 3; i++)
        {
            body();
        }

        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        double[] ms = new double[calls];
        TimeSpan pause = GC.GetTotalPauseDuration();
        for (int i = 0; i < calls; i++)
        {
            long t = Stopwatch.GetTimestamp();
            body();
            ms[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        Array.Sort(ms);
        Console.WriteLine($"{label,-28} median {ms[calls / 2]:F3} ms  min {ms[0]:F3}  mean {ms.Average():F3}  gen0/1/2 per call {(GC.CollectionCount(0) - g0) / (double)calls:F2}/{(GC.CollectionCount(1) - g1) / (double)calls:F2}/{(GC.CollectionCount(2) - g2) / (double)calls:F2}  GC pause/call {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds / calls:F3} ms");
    }
}
