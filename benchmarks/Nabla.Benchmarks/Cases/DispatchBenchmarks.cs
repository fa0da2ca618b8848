using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using static TorchSharp.torch;
using NablaTensor = Nabla.Tensor;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>
/// a. Eager dispatch: <c>a + b</c> on 3-element float32 tensors, and <c>a * 2</c>. TorchSharp's result is
/// disposed at once (its cheapest correct use); Nabla's is left to the GC.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private static readonly float[] s_a = [1f, 2f, 3f];
    private static readonly float[] s_b = [4f, 5f, 6f];
    private NablaTensor _nablaA = null!;
    private NablaTensor _nablaB = null!;
    private TorchTensor _torchA = null!;
    private TorchTensor _torchB = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Targets = [nameof(Add_Nabla), nameof(MulScalar_Nabla)])]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        _nablaA = Tf.Constant(s_a, [3]);
        _nablaB = Tf.Constant(s_b, [3]);
    }

    [GlobalSetup(Targets = [nameof(Add_Torch), nameof(MulScalar_Torch)])]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torchA = tensor(s_a);
        _torchB = tensor(s_b);
    }

    [GlobalCleanup(Targets = [nameof(Add_Torch), nameof(MulScalar_Torch)])]
    public void CleanupTorch()
    {
        _torchA.Dispose();
        _torchB.Dispose();
    }

    [Benchmark, BenchmarkCategory(Categories.DispatchAdd)]
    public NablaTensor Add_Nabla() => _nablaA + _nablaB;

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.DispatchAdd)]
    public long Add_Torch()
    {
        using TorchTensor c = _torchA + _torchB;
        return c.numel();
    }

    [Benchmark, BenchmarkCategory(Categories.DispatchMulScalar)]
    public NablaTensor MulScalar_Nabla() => _nablaA * 2;

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.DispatchMulScalar)]
    public long MulScalar_Torch()
    {
        using TorchTensor c = _torchA * 2;
        return c.numel();
    }
}
