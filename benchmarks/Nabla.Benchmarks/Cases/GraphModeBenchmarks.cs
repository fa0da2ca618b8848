using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Cases;

/// <summary>
/// i. Graph mode (Tf.Function) against eager Nabla and TorchSharp, steady state (the trace happens in the first,
/// warm-up invocation, reported apart by BenchmarkDotNet's jitting stage): the MLP 784-256-10 SGD step, the seed
/// notebook's 1,000-step loop, and a GELU chain on 4M float32.
/// </summary>
[MemoryDiagnoser]
public class GraphModeBenchmarks
{
    private Mlp.NablaModel _eagerMlp = null!;
    private GraphMode.TracedMlp _tracedMlp = null!;
    private Mlp.TorchModel _torchMlp = null!;
    private Tensor _geluInput = null!;
    private PolymorphicFunction<Func<Tensor, Tensor>> _geluTraced = null!;
    private TorchTensor _geluTorchInput = null!;
    private GraphMode.TracedSeedLoop _seedLoop = null!;
    private (double W, double B) _seedLast;
    private (double W, double B) _torchSeedLast;

    /// <summary>Threads each library may use (1: run the process under <c>taskset -c 0</c>).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ThreadSettings.SetNabla(Threads);
        ThreadSettings.SetTorch(Threads);
        Console.WriteLine($"// GC settings in the benchmark process: {ChildGCSettings.Describe()}");
        _eagerMlp = new Mlp.NablaModel(new Mlp.Init());
        _tracedMlp = new GraphMode.TracedMlp(new Mlp.Init());
        _torchMlp = new Mlp.TorchModel(new Mlp.Init());
        _seedLoop = new GraphMode.TracedSeedLoop();
        float[] values = InputData.Uniform(GraphMode.GeluSize, seed: 9, low: -3f, high: 3f);
        _geluInput = Tf.Constant(values, [GraphMode.GeluSize]);
        _geluTraced = Tf.Function((Func<Tensor, Tensor>)GraphMode.GeluNabla, name: "gelu");
        _geluTorchInput = tensor(values);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchMlp.Dispose();
        _geluTorchInput.Dispose();
        if (_seedLast != default)
        {
            Correctness.RequireSeedWeights(_seedLast, "the traced seed loop");
        }

        if (_torchSeedLast != default)
        {
            Correctness.RequireSeedWeights(_torchSeedLast, "TorchSharp's seed loop");
        }
    }

    [Benchmark, BenchmarkCategory("i.graph-mlp-step")]
    public Tensor MlpStep_NablaEager() => _eagerMlp.Step();

    [Benchmark, BenchmarkCategory("i.graph-mlp-step")]
    public Tensor MlpStep_NablaTraced() => _tracedMlp.Step();

    [Benchmark(Baseline = true), BenchmarkCategory("i.graph-mlp-step")]
    public float MlpStep_Torch() => _torchMlp.Step();

    [Benchmark, BenchmarkCategory("i.graph-seed-loop")]
    public double SeedLoop_NablaTraced()
    {
        _seedLast = _seedLoop.Run();
        return _seedLast.W;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("i.graph-seed-loop")]
    public double SeedLoop_Torch()
    {
        _torchSeedLast = SeedLoop.RunTorch();
        return _torchSeedLast.W;
    }

    [Benchmark, BenchmarkCategory("i.graph-gelu")]
    public Tensor Gelu_NablaEager() => GraphMode.GeluNabla(_geluInput);

    [Benchmark, BenchmarkCategory("i.graph-gelu")]
    public Tensor Gelu_NablaTraced() => _geluTraced.Invoke(_geluInput);

    [Benchmark(Baseline = true), BenchmarkCategory("i.graph-gelu")]
    public float Gelu_Torch()
    {
        using TorchSharp.DisposeScope scope = NewDisposeScope();
        return GraphMode.GeluTorch(_geluTorchInput)[0].item<float>();
    }
}
