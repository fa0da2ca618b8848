using System.Diagnostics;
using System.Runtime;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

// The seed loop of benchmarks/Nabla.Benchmarks' SeedLoop.RunTorch, first thing in a fresh process, one thread (as the
// Nabla probe runs on one pinned core). Modes:
//   seed         the loop's time including TorchSharp's first touch (loading libtorch), as a user's first run sees it;
//   seed-loaded  libtorch loaded (one tiny tensor made) before the clock starts: the loop alone, cold JIT included.
// Prints one line: "<mode> <ms> ms; JIT <methods> methods <ms> ms".
Nabla.Benchmarks.Infrastructure.TorchSharpNative.EnsureLoadable();
string mode = args.Length > 0 ? args[0] : "seed";
if (mode is not ("seed" or "seed-loaded"))
{
    Console.Error.WriteLine("usage: TorchStartup seed|seed-loaded");
    return 2;
}

if (mode == "seed-loaded")
{
    using TorchTensor warm = tensor(0.0);
    set_num_threads(1);
}

var clock = Stopwatch.StartNew();
if (mode == "seed")
{
    set_num_threads(1);
}

using TorchTensor xs = tensor(new double[] { -1, 0, 1, 2, 3, 4 });
using TorchTensor ys = tensor(new double[] { -3, -1, 1, 3, 5, 7 });
using TorchTensor w = tensor(0.3745401188, dtype: float64).requires_grad_();
using TorchTensor b = tensor(0.9507143064, dtype: float64).requires_grad_();
for (int i = 0; i < 1000; i++)
{
    using TorchSharp.DisposeScope scope = NewDisposeScope();
    TorchTensor loss = (((w * xs) + b) - ys).abs();
    TorchTensor ones = ones_like(loss);
    TorchTensor wGradient = autograd.grad([loss], [w], [ones], retain_graph: true)[0];
    TorchTensor bGradient = autograd.grad([loss], [b], [ones])[0];
    using (no_grad())
    {
        w.sub_(wGradient * 0.001);
        b.sub_(bGradient * 0.001);
    }
}

double ms = clock.Elapsed.TotalMilliseconds;
double wFinal = w.item<double>();
if (!(wFinal > 0.3745401188 && wFinal < 2.5))
{
    Console.Error.WriteLine($"the seed loop went wrong: w = {wFinal}");
    return 1;
}

Console.WriteLine($"torch-{mode} {ms:F2} ms; JIT {JitInfo.GetCompiledMethodCount()} methods {JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms");
return 0;
