using System.Globalization;
using BenchmarkDotNet.Running;
using Nabla.Benchmarks.Infrastructure;

// Modes (see benchmarks/README.md):
//   (BenchmarkDotNet's own arguments)    the suite, e.g. --filter '*' or --filter '*MatMul*' --job dry
//   --check                              both libraries compute the same results (seed loop, MLP, 2nd derivative)
//   --peak-memory [--steps N] [--out F]  case h: runs both children below and prints the ratio
//   --peak-memory nabla|nabla-traced|torch [--steps N]  one child: N MLP steps (eager, traced, TorchSharp),
//                                        prints its peak working set as JSON
//   --paired-matmul [--sizes 256,512,1024,2048] [--threads 1,2] [--rounds 40] [--out F]
//                                        diagnostic: both libraries' MatMul timed alternately in one process
//   --fit-epochs eager|traced [--epochs N]  N epochs of Keras Fit on MNIST-sized data, first one included
//   --gelu-probe [--calls N]            diagnostic: case i's GELU per call in this process (traced, eager, kernel
//                                        alone), with collections and page faults per call
//   --summarize [DIR]                    writes DIR/SUMMARY.md from DIR's reports (default benchmarks/results)
//   --patch-torchsharp FILE...           applies the Debian 12 patch to the given libLibTorchSharp.so copies
return args switch
{
    ["--check", ..] => Check(),
    ["--gelu-probe", ..] => GeluProbe.Run(IntOption(args, "--calls", 100)),
    ["--peak-memory", "nabla" or "nabla-traced" or "torch", ..] => PeakMemory.RunChild(args[1], IntOption(args, "--steps", PeakMemory.DefaultSteps)),
    ["--peak-memory", ..] => PeakMemory.RunBoth(IntOption(args, "--steps", PeakMemory.DefaultSteps), TextOption(args, "--out")),
    ["--paired-matmul", ..] => PairedMatMul.Run(
        IntListOption(args, "--sizes", [256, 512, 1024, 2048]), IntListOption(args, "--threads", [1, 2]), IntOption(args, "--rounds", 40), TextOption(args, "--out")),
    ["--fit-epochs", "eager" or "traced", ..] => FitEpochs.Run(args[1], IntOption(args, "--epochs", 3)),
    ["--summarize", ..] => Summarizer.Run(args.Length > 1 ? args[1] : Path.Combine("benchmarks", "results")),
    ["--patch-torchsharp", ..] => Patch(args[1..]),
    _ => RunSuite(args),
};

static int RunSuite(string[] args)
{
    TorchSharpNative.EnsureLoadable();
    Console.WriteLine($"// GC settings of this process (passed on to BenchmarkDotNet's children): {ChildGCSettings.Describe()}");
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(ChildGCSettings.AddTo(args), BenchmarkConfig.Create());
    bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
    return failed ? 1 : 0;
}

static int Check()
{
    TorchSharpNative.EnsureLoadable();
    Console.WriteLine($"GC settings: {ChildGCSettings.Describe()}");
    bool ok = Correctness.RunAll(Console.Out);
    Console.WriteLine(ok ? "All correctness checks passed." : "Correctness checks FAILED.");
    return ok ? 0 : 1;
}

static int Patch(string[] paths)
{
    foreach (string path in paths)
    {
        Console.WriteLine($"{path}: {(TorchSharpNative.PatchFile(path) ? "patched" : "unchanged")}");
    }

    return 0;
}

static int IntOption(string[] args, string name, int fallback)
{
    string? value = TextOption(args, name);
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}

static int[] IntListOption(string[] args, string name, int[] fallback)
{
    string? value = TextOption(args, name);
    return value is null ? fallback : [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
}

static string? TextOption(string[] args, string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
