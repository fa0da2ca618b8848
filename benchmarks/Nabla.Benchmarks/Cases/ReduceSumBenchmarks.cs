using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;
using static TorchSharp.torch;
using NablaTensor = Nabla.Tensor;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>c. ReduceSum of 16M float32 elements to a scalar.</summary>
[MemoryDiagnoser]
public class ReduceSumBenchmarks
{
    private NablaTensor _nabla = null!;
    private TorchTensor _torch = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ReduceSum_Nabla))]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        _nabla = Tf.Constant(InputData.LargeUniform(1), [InputData.Large]);
    }

    [GlobalSetup(Target = nameof(ReduceSum_Torch))]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torch = tensor(InputData.LargeUniform(1));
    }

    [GlobalCleanup(Target = nameof(ReduceSum_Torch))]
    public void CleanupTorch() => _torch.Dispose();

    [Benchmark, BenchmarkCategory(Categories.ReduceSum)]
    public NablaTensor ReduceSum_Nabla() => Tf.ReduceSum(_nabla);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ReduceSum)]
    public long ReduceSum_Torch()
    {
        using TorchTensor sum = _torch.sum();
        return sum.numel();
    }
}
