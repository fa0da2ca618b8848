namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Benchmark categories: one per case of issue 5. Each category holds a Nabla method and its TorchSharp
/// baseline, so BenchmarkDotNet's Ratio column is Nabla time / TorchSharp time.
/// </summary>
public static class Categories
{
    public const string DispatchAdd = "a.dispatch-add";
    public const string DispatchMulScalar = "a.dispatch-mul-scalar";
    public const string ElementwiseAdd = "b.elementwise-add";
    public const string ElementwiseMul = "b.elementwise-mul";
    public const string ElementwiseExp = "b.elementwise-exp";
    public const string ReduceSum = "c.reduce-sum";
    public const string MatMul = "d.matmul";
    public const string SeedLoop = "e.seed-loop";
    public const string MlpStep = "f.mlp-step";
    public const string SecondDerivative = "g.second-derivative";
    public const string Triad = "z.triad";
    public const string Fma = "z.fma-peak";
}
