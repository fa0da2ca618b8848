using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Nabla.Tests.Hardening;

/// <summary>
/// The hostile-argument sweep (issue 16), kept in the test suite: <c>tests/Nabla.Sweep</c> calls every public method of
/// <see cref="Tf"/> and its nested classes and the <see cref="Tensor"/>, <see cref="Variable"/>, <see cref="Shape"/> and
/// <see cref="GradientTape"/> surface with generated bad arguments, in a child process. This test runs it, restarts it
/// after the case that crashed or hung (recording that case), and fails on any crash, hang, wrong result, exception
/// outside the promised types (<see cref="ArgumentException"/>, <see cref="InvalidOperationException"/>,
/// <see cref="IndexOutOfRangeException"/>) that the allow-list below does not explain, or argument exception naming a
/// parameter the method does not have.
/// </summary>
public class SweepTests(ITestOutputHelper output)
{
    // A case that prints nothing for this long is a hang (the whole sweep takes seconds).
    private static readonly TimeSpan s_caseTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Reviewed exceptions outside the promised types: (method, exception type, why it is right).</summary>
    private static readonly (string Method, string Exception, string Reason)[] s_allowList =
    [
        ("Tensor.ToString", "FormatException", "IFormattable's contract: an unknown format string is a FormatException, as for every .NET type"),
        ("Tensor.ToArray", "NotSupportedException", "ToArray() builds .NET arrays of rank 1 to 6 (written out per rank, AOT-safe); a rank-9 tensor is refused naming ToArray<T>() for a flat copy"),
    ];

    [Fact]
    public void Sweep_EveryPublicOpWithHostileArguments_NoCrashHangWrongResultOrUncleanException()
    {
        SweepRun run = RunSweep();
        var failures = new List<string>();
        failures.AddRange(run.Problems.Where(p => p.Kind is "crash" or "hang" or "wrong" or "message").Select(p => p.Line));
        failures.AddRange(run.Problems.Where(p => p.Kind == "unclean" && !Allowed(p.Line)).Select(p => p.Line));

        string summary = $"{run.Count} cases in {run.Seconds:F1} s: " +
            string.Join(", ", run.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}")) +
            $"; {run.Restarts} restarts";
        output.WriteLine(summary);
        foreach (string line in failures.Take(200))
        {
            output.WriteLine(line);
        }

        Assert.True(run.Count > 10_000, $"The sweep enumerated only {run.Count} cases: {summary}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures ({summary}); the first: {string.Join(" | ", failures.Take(5))}");
    }

    private static bool Allowed(string line)
        => s_allowList.Any(a => line.Contains($"\t{a.Method}(", StringComparison.Ordinal) && line.Contains($"\t{a.Exception}:", StringComparison.Ordinal));

    private static SweepRun RunSweep()
    {
        var run = new SweepRun();
        var clock = Stopwatch.StartNew();
        int from = 0;
        while (true)
        {
            (int last, bool done, string? stopped) = RunChild(from, run);
            if (done)
            {
                break;
            }

            // The case after the last one reported took the process down (or never finished): record it, skip it.
            run.Add(stopped!, $"§\t{last + 1}\t{stopped}\tcase {last + 1} (see Nabla.Sweep --from {last + 1})");
            from = last + 2;
            run.Restarts++;
            Assert.True(run.Restarts <= 20, "The sweep's child process failed more than 20 times; see the recorded cases.");
        }

        run.Seconds = clock.Elapsed.TotalSeconds;
        return run;
    }

    private static (int Last, bool Done, string? Stopped) RunChild(int from, SweepRun run)
    {
        string dll = Path.Combine(AppContext.BaseDirectory.Replace("Nabla.Tests", "Nabla.Sweep", StringComparison.Ordinal), "Nabla.Sweep.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--from");
        start.ArgumentList.Add(from.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // A runaway allocation becomes an OutOfMemoryException in the child instead of swapping the machine.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0xC0000000";

        using var lines = new BlockingCollection<string?>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            try
            {
                lines.Add(e.Data);
            }
            catch (ObjectDisposedException)
            {
                // a line after the parent stopped listening (the child was killed)
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        int last = from - 1;
        while (true)
        {
            if (!lines.TryTake(out string? line, s_caseTimeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (last, false, "hang");
            }

            if (line is null)
            {
                process.WaitForExit();
                return (last, false, "crash"); // end of output without "done": the process died
            }

            string[] fields = line.Split('\t');
            if (fields.Length < 3 || fields[0] != "§")
            {
                if (fields is ["§", "done"])
                {
                    process.WaitForExit();
                    return (last, true, null);
                }

                continue;
            }

            if (fields[1] == "count")
            {
                run.Count = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }

            last = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            run.Add(fields[2], line);
        }
    }

    private sealed class SweepRun
    {
        public int Count { get; set; }

        public int Restarts { get; set; }

        public double Seconds { get; set; }

        public Dictionary<string, int> Kinds { get; } = [];

        public List<(string Kind, string Line)> Problems { get; } = [];

        public void Add(string kind, string line)
        {
            Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;
            if (kind is not "clean" and not "skipped")
            {
                Problems.Add((kind, line));
            }
        }
    }
}
