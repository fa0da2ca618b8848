using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>g. The second derivative of x³ at x = 3 (= 18) through nested tapes / create_graph.</summary>
[MemoryDiagnoser]
public class SecondDerivativeBenchmarks
{
    private Variable _nablaX = null!;
    private TorchTensor _torchX = null!;

    /// <summary>Threads each library may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(SecondDerivative_Nabla))]
    public void SetupNabla()
    {
        ThreadSettings.SetNabla(Threads);
        _nablaX = new Variable(3f);
    }

    [GlobalSetup(Target = nameof(SecondDerivative_Torch))]
    public void SetupTorch()
    {
        ThreadSettings.SetTorch(Threads);
        _torchX = tensor(3f).requires_grad_();
    }

    [GlobalCleanup(Target = nameof(SecondDerivative_Torch))]
    public void CleanupTorch() => _torchX.Dispose();

    [Benchmark, BenchmarkCategory(Categories.SecondDerivative)]
    public Tensor SecondDerivative_Nabla() => NablaSecondDerivative(_nablaX);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.SecondDerivative)]
    public float SecondDerivative_Torch() => TorchSecondDerivative(_torchX);

    /// <summary>d²(x³)/dx² with Nabla's nested tapes, as in the seed notebook's cell In [48].</summary>
    public static Tensor NablaSecondDerivative(Variable x)
    {
        Tensor dyDx;
        using var outer = new GradientTape();
        using (var inner = new GradientTape())
        {
            Tensor y = x * x * x;
            dyDx = inner.Gradient(y, x)!;
        }

        return outer.Gradient(dyDx, x)!;
    }

    /// <summary>d²(x³)/dx² with TorchSharp: autograd.grad with create_graph, then again.</summary>
    public static float TorchSecondDerivative(TorchTensor x)
    {
        using TorchSharp.DisposeScope scope = NewDisposeScope();
        TorchTensor y = x * x * x;
        TorchTensor dyDx = autograd.grad([y], [x], retain_graph: true, create_graph: true)[0];
        TorchTensor d2yDx2 = autograd.grad([dyDx], [x])[0];
        return d2yDx2.item<float>();
    }
}
