using BenchmarkDotNet.Attributes;
using Nabla.Benchmarks.Infrastructure;
using Nabla.Benchmarks.Workloads;
using Nabla.Keras;

namespace Nabla.Benchmarks.Cases;

/// <summary>
/// j. One epoch of Keras <c>Fit</c> on MNIST-sized data (TensorFlow's beginner quickstart, <see cref="KerasFit"/>),
/// steps run eagerly and traced, in an application that references Nabla and Nabla.Keras by ProjectReference (this
/// one). Run it twice to see what the GC settings of Nabla's package buy: as is, BenchmarkDotNet's child gets those
/// settings (<see cref="ChildGCSettings"/>); with <c>--envVars DOTNET_TieredPGO:1</c> it gets none, as a notebook or an
/// application that references the projects (benchmarks/keras-fit.sh runs both). No TorchSharp baseline: the ratio
/// that matters is between the two runs.
/// </summary>
[MemoryDiagnoser]
public class KerasFitBenchmarks
{
    private Tensor _x = null!;
    private Tensor _y = null!;
    private Sequential _eager = null!;
    private Sequential _traced = null!;

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"// GC settings in the benchmark process: {ChildGCSettings.Describe()}");
        (_x, _y) = KerasFit.Data();
        _eager = KerasFit.Model(runEagerly: true);
        _traced = KerasFit.Model(runEagerly: false);
    }

    [Benchmark, BenchmarkCategory("j.keras-fit-epoch")]
    public double Epoch_NablaEager() => KerasFit.Epoch(_eager, _x, _y);

    [Benchmark, BenchmarkCategory("j.keras-fit-epoch")]
    public double Epoch_NablaTraced() => KerasFit.Epoch(_traced, _x, _y);
}
