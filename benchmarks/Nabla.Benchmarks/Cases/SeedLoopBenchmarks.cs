using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Cases;

/// <summary>
/// e. The seed notebook's training loop, 1,000 iterations from w0 = 0.3745401188, b0 = 0.9507143064.
/// GlobalCleanup checks that the last run ended at the recorded end point (<see cref="Correctness.SeedReference"/>).
/// </summary>
[MemoryDiagnoser]
public class SeedLoopBenchmarks
{
    private (double W, double B) _last;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(SeedLoop_Nabla))]
    public void SetupNabla() => ThreadSettings.SetNabla(Threads);

    [GlobalSetup(Target = nameof(SeedLoop_Torch))]
    public void SetupTorch() => ThreadSettings.SetTorch(Threads);

    [GlobalCleanup]
    public void Cleanup() => Correctness.RequireSeedWeights(_last, "the benchmark's last iteration");

    [Benchmark, BenchmarkCategory(Categories.SeedLoop)]
    public double SeedLoop_Nabla()
    {
        _last = SeedLoop.RunNabla();
        return _last.W;
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.SeedLoop)]
    public double SeedLoop_Torch()
    {
        _last = SeedLoop.RunTorch();
        return _last.W;
    }
}
