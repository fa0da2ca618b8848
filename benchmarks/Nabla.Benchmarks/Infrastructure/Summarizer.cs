using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Turns the BenchmarkDotNet JSON reports (and the peak-memory result) in a results folder into
/// <c>SUMMARY.md</c>: issue 5's table with medians, ratios (Nabla / TorchSharp) and whether each target
/// is met, the machine-limit baselines, and the machine and versions.
/// </summary>
public static partial class Summarizer
{
    /// <summary>
    /// Issue 5's cases and issue 11's graph-mode cases: the benchmark class, the case (the method names' prefix),
    /// the suffixes of the measured method and of its baseline (TorchSharp unless the label says otherwise), the
    /// label and the target ratio.
    /// </summary>
    private static readonly (string Type, string Case, string Measured, string Baseline, string Label, double Target, string TargetText)[] s_cases =
    [
        ("DispatchBenchmarks", "Add", "Nabla", "Torch", "a. dispatch `a + b` (3 × float32)", 1.0 / 15, "≤ 1/15 and < 100 ns"),
        ("DispatchBenchmarks", "MulScalar", "Nabla", "Torch", "a. dispatch `a * 2` (3 × float32)", 1.0 / 15, "≤ 1/15 and < 100 ns"),
        ("ElementwiseBenchmarks", "Add", "Nabla", "Torch", "b. add, 16M float32, new output", 1.0 / 3, "≤ 1/3"),
        ("ElementwiseBenchmarks", "Mul", "Nabla", "Torch", "b. mul, 16M float32, new output", 1.0 / 3, "≤ 1/3"),
        ("ElementwiseBenchmarks", "Exp", "Nabla", "Torch", "b. exp, 16M float32, new output", 1.0 / 3, "≤ 1/3"),
        ("ReduceSumBenchmarks", "ReduceSum", "Nabla", "Torch", "c. ReduceSum, 16M float32", 1.0, "≤ 1.0"),
        ("MatMulBenchmarks", "MatMul", "Nabla", "Torch", "d. MatMul float32", 1.0, "≤ 1.0"),
        ("SeedLoopBenchmarks", "SeedLoop", "Nabla", "Torch", "e. seed loop, 1,000 iterations", 1.0 / 30, "≤ 1/30"),
        ("MlpStepBenchmarks", "MlpStep", "Nabla", "Torch", "f. MLP 784-256-10 step, batch 128", 0.9, "≤ 0.9"),
        ("SecondDerivativeBenchmarks", "SecondDerivative", "Nabla", "Torch", "g. d²(x³)/dx² at 3, nested tapes", 1.0 / 25, "≤ 1/25"),
        ("GraphModeBenchmarks", "MlpStep", "NablaTraced", "Torch", "i. MLP 784-256-10 step as a `Tf.Function`", 0.7, "≤ 0.7"),
        ("GraphModeBenchmarks", "Gelu", "NablaTraced", "Torch", "i. GELU (tanh form), 4M float32, as a `Tf.Function`", 1.0 / 5, "≤ 1/5"),
        ("GraphModeBenchmarks", "Gelu", "NablaTraced", "NablaEager", "i. the same GELU, baseline: eager Nabla", 1.0 / 3, "≤ 1/3"),
        ("GraphModeBenchmarks", "SeedLoop", "NablaTraced", "Torch", "i. seed loop, 1,000 calls of a traced step", 1.0 / 50, "≤ 1/50"),
    ];

    /// <summary>Writes <c>SUMMARY.md</c> into <paramref name="directory"/>; returns a process exit code.</summary>
    public static int Run(string directory)
    {
        string[] reports = Directory.Exists(directory) ? Directory.GetFiles(directory, "*-report-brief.json") : [];
        if (reports.Length == 0)
        {
            Console.Error.WriteLine($"--summarize: no *-report-brief.json in '{directory}'. Run benchmarks/run-all.sh first.");
            return 1;
        }

        var rows = new List<Row>();
        bool notMeasured = false;
        JsonElement? host = null;
        foreach (string path in reports.Order(StringComparer.Ordinal))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            host ??= document.RootElement.GetProperty("HostEnvironmentInfo").Clone();
            foreach (JsonElement b in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                rows.Add(Row.From(b));
                string display = b.GetProperty("DisplayInfo").GetString() ?? string.Empty;
                notMeasured |= display.Contains("Dry(", StringComparison.Ordinal) || display.Contains("InProcess", StringComparison.Ordinal);
            }
        }

        string text = Render(rows, host!.Value, PeakMemory.Read(Path.Combine(directory, "peak-memory.json")), directory);
        if (notMeasured)
        {
            text = text.Replace(
                "\n\nRatio = ",
                "\n\n> **Not a measurement**: some reports come from a dry or in-process run (single cold calls).\n\nRatio = ",
                StringComparison.Ordinal);
        }
        string output = Path.Combine(directory, "SUMMARY.md");
        File.WriteAllText(output, text);
        Console.WriteLine(text);
        Console.WriteLine($"Written to {output}");
        return 0;
    }

    private static string Render(List<Row> rows, JsonElement host, PeakMemory.Result? peak, string directory)
    {
        var s = new StringBuilder();
        s.AppendLine("# Benchmark summary: Nabla vs TorchSharp-cpu (issues 5 and 11)");
        s.AppendLine();
        s.AppendLine("Ratio = Nabla median / TorchSharp median, measured in the same run on the same data. "
            + "Per-case BenchmarkDotNet reports are the `*-report-github.md` files beside this one.");
        s.AppendLine();
        s.AppendLine("Threads = 1 rows are one-core numbers only when the run was started under `taskset -c 0` (both libraries, "
            + "the garbage collector and the JIT on one core); Threads = 2 rows only when it was not (benchmarks/README.md).");
        s.AppendLine();
        s.AppendLine("| case | threads | target | Nabla median | TorchSharp median | ratio | met? | Nabla allocated/op | Nabla gen-2 per 1k ops |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in s_cases)
        {
            var nablaRows = rows.Where(r => r.Type == c.Type && r.Method == c.Case + "_" + c.Measured);
            foreach (Row nabla in nablaRows.OrderBy(r => r.N).ThenBy(r => r.Threads))
            {
                Row? torch = rows.FirstOrDefault(r => r.Type == c.Type && r.Method == c.Case + "_" + c.Baseline
                    && r.Threads == nabla.Threads && r.N == nabla.N);
                string label = nabla.N > 0 ? $"{c.Label}, n = {nabla.N}" : c.Label;
                double? ratio = torch is null ? null : nabla.MedianNs / torch.MedianNs;
                bool? met = ratio is null ? null : ratio <= c.Target && (c.Type != "DispatchBenchmarks" || nabla.MedianNs < 100);
                s.AppendLine(Invariant(
                    $"| {label} | {nabla.Threads} | {c.TargetText} | {Time(nabla)} | {(torch is null ? "n/a" : Time(torch))} | ")
                    + Invariant($"{(ratio is null ? "n/a" : ratio.Value.ToString("F3", CultureInfo.InvariantCulture))} | {Met(met)} | ")
                    + Invariant($"{Bytes(nabla.AllocatedBytes)} | {nabla.Gen2PerThousand:0.##} |"));
            }
        }

        if (peak is not null)
        {
            double ratio = peak.Ratio;
            s.AppendLine(Invariant(
                $"| h. peak working set, {peak.Nabla.Steps} MLP steps | default | ≤ 0.5 | {Bytes(peak.Nabla.PeakWorkingSetBytes)} | ")
                + Invariant($"{Bytes(peak.Torch.PeakWorkingSetBytes)} | {ratio:F3} | {Met(ratio <= 0.5)} | - | {peak.Nabla.Gen2} in the whole run |"));
        }
        else
        {
            s.AppendLine("| h. peak working set, 200 MLP steps | default | ≤ 0.5 | n/a | n/a | n/a | ? | - | - |");
        }

        s.AppendLine();
        s.AppendLine("## The machine's limits (plain C#)");
        s.AppendLine();
        s.AppendLine("| baseline | threads | median | rate |");
        s.AppendLine("|---|---|---|---|");
        foreach (Row r in rows.Where(r => r.Type == "MachineLimitBenchmarks").OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Threads))
        {
            s.AppendLine(Invariant($"| {r.Method} | {r.Threads} | {Duration(r.MedianNs)} | {Rate(r)} |"));
        }

        s.AppendLine();
        s.AppendLine("## Machine and versions");
        s.AppendLine();
        s.AppendLine(Invariant($"- Processor: {Text(host, "ProcessorName")}, {host.GetProperty("PhysicalCoreCount")} physical / {host.GetProperty("LogicalCoreCount")} logical cores"));
        s.AppendLine(Invariant($"- OS: {Text(host, "OsVersion")}; runtime: {Text(host, "RuntimeVersion")}; SDK {Text(host, "DotNetCliVersion")}"));
        s.AppendLine(Invariant($"- BenchmarkDotNet {Text(host, "BenchmarkDotNetVersion")}; TorchSharp {Version(typeof(TorchSharp.torch).Assembly)} (libtorch {LibTorchVersion()}); Nabla {Version(typeof(Tensor).Assembly)}"));
        string notes = Path.Combine(directory, "NOTES.md");
        string info = Path.Combine(directory, "run-info.txt");
        if (File.Exists(info))
        {
            foreach (string line in File.ReadAllLines(info).Where(l => l.Length > 0))
            {
                s.AppendLine("- " + line);
            }
        }

        string paired = Path.Combine(directory, "paired-matmul.md");
        if (File.Exists(paired))
        {
            s.AppendLine();
            s.AppendLine("## MatMul timed alternately in one process (diagnostic, `--paired-matmul`)");
            s.AppendLine();
            s.Append(File.ReadAllText(paired));
        }

        if (File.Exists(notes))
        {
            s.AppendLine();
            s.AppendLine("## Notes on the cases (from NOTES.md)");
            s.AppendLine();
            s.Append(File.ReadAllText(notes));
        }

        return s.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Text(JsonElement host, string name) =>
        host.TryGetProperty(name, out JsonElement value) ? value.ToString() : "?";

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "?" };

    private static string Duration(double ns) => ns switch
    {
        < 1e3 => Invariant($"{ns:F1} ns"),
        < 1e6 => Invariant($"{ns / 1e3:F2} µs"),
        < 1e9 => Invariant($"{ns / 1e6:F2} ms"),
        _ => Invariant($"{ns / 1e9:F2} s"),
    };

    private static string Time(Row r)
    {
        string time = Duration(r.MedianNs);
        string rate = Rate(r);
        return rate == "-" ? time : $"{time} ({rate})";
    }

    private static string Rate(Row r) =>
        ThroughputColumn.Work(r.Method, r.Threads, r.N) is { } work && r.MedianNs > 0
            ? Invariant($"{work.Amount / r.MedianNs:F1} {work.Unit}")
            : "-";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => Invariant($"{bytes} B"),
        < 1024 * 1024 => Invariant($"{bytes / 1024.0:F1} KiB"),
        _ => Invariant($"{bytes / 1048576.0:F1} MiB"),
    };

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";

    private static string LibTorchVersion()
    {
        string deps = Path.Combine(AppContext.BaseDirectory, "Nabla.Benchmarks.deps.json");
        Match match = File.Exists(deps) ? LibTorchPattern().Match(File.ReadAllText(deps)) : Match.Empty;
        return match.Success ? match.Groups[1].Value : "?";
    }

    [GeneratedRegex("\"libtorch-cpu-linux-x64/([0-9.]+)\"")]
    private static partial Regex LibTorchPattern();

    /// <summary>One benchmark of a report: the method, its parameters, median, allocations and gen-2 rate.</summary>
    private sealed record Row(string Type, string Method, int Threads, int N, double MedianNs, long AllocatedBytes, double Gen2PerThousand)
    {
        public static Row From(JsonElement b)
        {
            var parameters = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string pair in b.GetProperty("Parameters").GetString()!.Split('&', ',', ' '))
            {
                string[] parts = pair.Split('=');
                if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                {
                    parameters[parts[0]] = value;
                }
            }

            double median = b.TryGetProperty("Statistics", out JsonElement stats) && stats.ValueKind == JsonValueKind.Object
                ? stats.GetProperty("Median").GetDouble()
                : double.NaN;
            long allocated = 0;
            double gen2 = 0;
            if (b.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object)
            {
                allocated = memory.GetProperty("BytesAllocatedPerOperation").GetInt64();
                long operations = Math.Max(1, memory.GetProperty("TotalOperations").GetInt64());
                gen2 = 1000.0 * memory.GetProperty("Gen2Collections").GetInt64() / operations;
            }

            return new Row(
                b.GetProperty(nameof(Type)).GetString()!,
                b.GetProperty(nameof(Method)).GetString()!,
                parameters.GetValueOrDefault("Threads", 1),
                parameters.GetValueOrDefault("N", 0),
                median,
                allocated,
                gen2);
        }
    }
}
