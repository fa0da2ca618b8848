using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// h. Peak working set of a process that runs the MLP step (case f) for 200 steps. Each library runs in a
/// child process of its own (<c>--peak-memory nabla|nabla-traced|torch</c>; <c>nabla-traced</c> runs the step as
/// a Tf.Function, case i), which prints one JSON line; the parent launches all three, prints the ratios and
/// optionally writes the JSON to a file for the summary.
/// </summary>
public static class PeakMemory
{
    /// <summary>Steps of the case h.</summary>
    public const int DefaultSteps = 200;

    /// <summary>One child's measurement.</summary>
    public sealed record Measurement(string Library, int Steps, long PeakWorkingSetBytes, int Gen0, int Gen1, int Gen2, double Seconds);

    /// <summary>Both children's measurements.</summary>
    public sealed record Result(Measurement Nabla, Measurement Torch, Measurement? Traced = null)
    {
        /// <summary>Nabla's peak working set / TorchSharp's.</summary>
        public double Ratio => (double)Nabla.PeakWorkingSetBytes / Torch.PeakWorkingSetBytes;
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>The child: runs the steps in this process and prints its measurement as JSON.</summary>
    public static int RunChild(string library, int steps)
    {
        var stopwatch = Stopwatch.StartNew();
        var init = new Mlp.Init();
        if (library == "nabla")
        {
            var model = new Mlp.NablaModel(init);
            for (int i = 0; i < steps; i++)
            {
                _ = model.Step();
            }
        }
        else if (library == "nabla-traced")
        {
            var model = new GraphMode.TracedMlp(init);
            for (int i = 0; i < steps; i++)
            {
                _ = model.Step();
            }
        }
        else if (library == "torch")
        {
            TorchSharpNative.EnsureLoadable();
            using var model = new Mlp.TorchModel(init);
            for (int i = 0; i < steps; i++)
            {
                _ = model.Step();
            }
        }
        else
        {
            Console.Error.WriteLine($"--peak-memory: expected nabla, nabla-traced or torch, got '{library}'.");
            return 2;
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var measurement = new Measurement(
            library, steps, self.PeakWorkingSet64, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), stopwatch.Elapsed.TotalSeconds);
        Console.WriteLine(JsonSerializer.Serialize(measurement));
        return 0;
    }

    /// <summary>The parent: runs both children, prints a table, writes the JSON to <paramref name="outputPath"/> if given.</summary>
    public static int RunBoth(int steps, string? outputPath)
    {
        Measurement? nabla = Launch("nabla", steps);
        Measurement? traced = Launch("nabla-traced", steps);
        Measurement? torch = Launch("torch", steps);
        if (nabla is null || traced is null || torch is null)
        {
            return 1;
        }

        var result = new Result(nabla, torch, traced);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"h. peak working set after {steps} MLP steps (target: ratio <= 0.5)"));
        foreach (Measurement m in new[] { nabla, traced, torch })
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {m.Library,-12} {m.PeakWorkingSetBytes / 1048576.0,8:F1} MiB  gen0/1/2 = {m.Gen0}/{m.Gen1}/{m.Gen2}  {m.Seconds:F2} s"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio Nabla/TorchSharp = {result.Ratio:F3} eager, {(double)traced.PeakWorkingSetBytes / torch.PeakWorkingSetBytes:F3} traced"));
        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, JsonSerializer.Serialize(result, s_json));
        }

        return 0;
    }

    /// <summary>Reads a result written by <see cref="RunBoth"/>.</summary>
    public static Result? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<Result>(File.ReadAllText(path)) : null;

    private static Measurement? Launch(string library, int steps)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PeakMemory).Assembly.Location);
        }

        start.ArgumentList.Add("--peak-memory");
        start.ArgumentList.Add(library);
        start.ArgumentList.Add("--steps");
        start.ArgumentList.Add(steps.ToString(CultureInfo.InvariantCulture));
        using Process child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"--peak-memory {library} failed (exit {child.ExitCode}): {output}");
            return null;
        }

        return JsonSerializer.Deserialize<Measurement>(line);
    }
}
