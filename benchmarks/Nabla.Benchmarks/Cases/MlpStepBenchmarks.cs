using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Cases;

/// <summary>f. One SGD training step of an MLP 784-256-10 (ReLU, softmax cross-entropy), batch 128.</summary>
[MemoryDiagnoser]
public class MlpStepBenchmarks
{
    private Mlp.NablaModel _nabla = null!;
    private Mlp.TorchModel _torch = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(MlpStep_Nabla))]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        Console.WriteLine($"// GC settings in the benchmark process: {ChildGCSettings.Describe()}");
        _nabla = new Mlp.NablaModel(new Mlp.Init());
    }

    [GlobalSetup(Target = nameof(MlpStep_Torch))]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torch = new Mlp.TorchModel(new Mlp.Init());
    }

    [GlobalCleanup(Target = nameof(MlpStep_Torch))]
    public void CleanupTorch() => _torch.Dispose();

    [Benchmark, BenchmarkCategory(Categories.MlpStep)]
    public Tensor MlpStep_Nabla() => _nabla.Step();

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.MlpStep)]
    public float MlpStep_Torch() => _torch.Step();
}
