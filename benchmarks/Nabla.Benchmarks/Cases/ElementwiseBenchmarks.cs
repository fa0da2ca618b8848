using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;
using static TorchSharp.torch;
using NablaTensor = Nabla.Tensor;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>b. Elementwise add, mul and exp on 16M float32 elements, each into a new output.</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private NablaTensor _nablaA = null!;
    private NablaTensor _nablaB = null!;
    private TorchTensor _torchA = null!;
    private TorchTensor _torchB = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Targets = [nameof(Add_Nabla), nameof(Mul_Nabla), nameof(Exp_Nabla)])]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        _nablaA = Tf.Constant(InputData.LargeUniform(1), [InputData.Large]);
        _nablaB = Tf.Constant(InputData.LargeUniform(2), [InputData.Large]);
    }

    [GlobalSetup(Targets = [nameof(Add_Torch), nameof(Mul_Torch), nameof(Exp_Torch)])]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torchA = tensor(InputData.LargeUniform(1));
        _torchB = tensor(InputData.LargeUniform(2));
    }

    [GlobalCleanup(Targets = [nameof(Add_Torch), nameof(Mul_Torch), nameof(Exp_Torch)])]
    public void CleanupTorch()
    {
        _torchA.Dispose();
        _torchB.Dispose();
    }

    [Benchmark, BenchmarkCategory(Categories.ElementwiseAdd)]
    public NablaTensor Add_Nabla() => Tf.Add(_nablaA, _nablaB);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ElementwiseAdd)]
    public long Add_Torch()
    {
        using TorchTensor c = _torchA + _torchB;
        return c.numel();
    }

    [Benchmark, BenchmarkCategory(Categories.ElementwiseMul)]
    public NablaTensor Mul_Nabla() => Tf.Multiply(_nablaA, _nablaB);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ElementwiseMul)]
    public long Mul_Torch()
    {
        using TorchTensor c = _torchA * _torchB;
        return c.numel();
    }

    [Benchmark, BenchmarkCategory(Categories.ElementwiseExp)]
    public NablaTensor Exp_Nabla() => Tf.Exp(_nablaA);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ElementwiseExp)]
    public long Exp_Torch()
    {
        using TorchTensor c = _torchA.exp();
        return c.numel();
    }
}
