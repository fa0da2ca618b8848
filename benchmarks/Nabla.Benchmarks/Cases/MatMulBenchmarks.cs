using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;
using static TorchSharp.torch;
using NablaTensor = Nabla.Tensor;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>d. Square float32 MatMul, n = 256 … 2048; the GFLOP/s column counts 2n³ flops per call.</summary>
[MemoryDiagnoser]
public class MatMulBenchmarks
{
    private NablaTensor _nablaA = null!;
    private NablaTensor _nablaB = null!;
    private TorchTensor _torchA = null!;
    private TorchTensor _torchB = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The matrices' side.</summary>
    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    [GlobalSetup(Target = nameof(MatMul_Nabla))]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        _nablaA = Tf.Constant(InputData.Uniform(N * N, seed: 1), [N, N]);
        _nablaB = Tf.Constant(InputData.Uniform(N * N, seed: 2), [N, N]);
    }

    [GlobalSetup(Target = nameof(MatMul_Torch))]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torchA = tensor(InputData.Uniform(N * N, seed: 1), [N, N]);
        _torchB = tensor(InputData.Uniform(N * N, seed: 2), [N, N]);
    }

    [GlobalCleanup(Target = nameof(MatMul_Torch))]
    public void CleanupTorch()
    {
        _torchA.Dispose();
        _torchB.Dispose();
    }

    [Benchmark, BenchmarkCategory(Categories.MatMul)]
    public NablaTensor MatMul_Nabla() => Tf.MatMul(_nablaA, _nablaB);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.MatMul)]
    public long MatMul_Torch()
    {
        using TorchTensor c = _torchA.matmul(_torchB);
        return c.numel();
    }
}
