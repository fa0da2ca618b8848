using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Cases;

/// <summary>
/// Plain C# baselines for the machine's physical limits: a STREAM-like triad <c>a = b + s·c</c> on 16M
/// float32 (memory bandwidth; 12 bytes of traffic counted per element, write-allocate not counted) and a
/// register-only FMA loop (peak float32 GFLOP/s of one core or of every thread, 2 flops per lane per FMA).
/// </summary>
[MemoryDiagnoser]
public class MachineLimitBenchmarks
{
    /// <summary>FMA instructions per independent accumulator in one call.</summary>
    public const int FmaIterations = 1 << 22;

    /// <summary>Independent accumulators: enough to cover the FMA latency × throughput.</summary>
    public const int FmaChains = 8;

    private float[] _a = null!;
    private float[] _b = null!;
    private float[] _c = null!;

    /// <summary>Threads the loop is split over.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Bytes the triad moves per call.</summary>
    public static long TriadBytes => 3L * sizeof(float) * InputData.Large;

    /// <summary>Floating-point operations the FMA loop does per thread and call, for a vector of <paramref name="lanes"/>.</summary>
    public static double FmaFlopsPerThread(int lanes) => 2.0 * lanes * FmaChains * FmaIterations;

    [GlobalSetup]
    public void Setup()
    {
        _a = new float[InputData.Large];
        _b = InputData.LargeUniform(1);
        _c = InputData.LargeUniform(2);
    }

    [Benchmark, BenchmarkCategory(Categories.Triad)]
    public float Triad()
    {
        const float Scalar = 3f;
        int chunk = (_a.Length + Threads - 1) / Threads;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            int start = t * chunk;
            int length = Math.Min(chunk, _a.Length - start);
            Span<float> a = _a.AsSpan(start, length);
            ReadOnlySpan<float> b = _b.AsSpan(start, length);
            ReadOnlySpan<float> c = _c.AsSpan(start, length);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(c, Scalar, b, a);
        });
        return _a[^1];
    }

    [Benchmark, BenchmarkCategory(Categories.Fma)]
    public float FmaVector512()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return FmaVector256(); // reported as the 256-bit number on machines without AVX-512
        }

        float total = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ => Interlocked.Exchange(ref total, Fma512()));
        return total;
    }

    [Benchmark, BenchmarkCategory(Categories.Fma)]
    public float FmaVector256()
    {
        float total = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ => Interlocked.Exchange(ref total, Fma256()));
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512()
    {
        Vector512<float> m = Vector512.Create(0.999999f);
        Vector512<float> k = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < FmaIterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, k);
            a1 = Vector512.FusedMultiplyAdd(a1, m, k);
            a2 = Vector512.FusedMultiplyAdd(a2, m, k);
            a3 = Vector512.FusedMultiplyAdd(a3, m, k);
            a4 = Vector512.FusedMultiplyAdd(a4, m, k);
            a5 = Vector512.FusedMultiplyAdd(a5, m, k);
            a6 = Vector512.FusedMultiplyAdd(a6, m, k);
            a7 = Vector512.FusedMultiplyAdd(a7, m, k);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256()
    {
        Vector256<float> m = Vector256.Create(0.999999f);
        Vector256<float> k = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < FmaIterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, k);
            a1 = Vector256.FusedMultiplyAdd(a1, m, k);
            a2 = Vector256.FusedMultiplyAdd(a2, m, k);
            a3 = Vector256.FusedMultiplyAdd(a3, m, k);
            a4 = Vector256.FusedMultiplyAdd(a4, m, k);
            a5 = Vector256.FusedMultiplyAdd(a5, m, k);
            a6 = Vector256.FusedMultiplyAdd(a6, m, k);
            a7 = Vector256.FusedMultiplyAdd(a7, m, k);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }
}
