using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Nabla.Onnx.Tests.NodeTests;

/// <summary>
/// A test that runs ONNX's backend node tests (Debian's libonnx-testdata): only when <c>NABLA_ONNX_NODE_TESTS=1</c>,
/// the ONNX step of <c>.ci/run</c>, which installs the package; with the variable set, missing data fails.
/// </summary>
public sealed class NodeTestsFactAttribute : FactAttribute
{
    public NodeTestsFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NABLA_ONNX_NODE_TESTS") != "1")
        {
            Skip = "ONNX node tests: run in the ONNX step of .ci/run (NABLA_ONNX_NODE_TESTS=1).";
        }
    }
}

/// <summary>
/// Runs every node test, eagerly and traced with Tf.Function, prints the passed/failed/unsupported counts and fails
/// only when a case in <c>NodeTests/expected-passes.txt</c> no longer passes (a regression). The report goes to
/// the test output and, with <c>NABLA_ONNX_NODE_REPORT=path</c>, to a file; <c>NABLA_ONNX_NODE_WRITE_PASSES=path</c>
/// writes the list of cases that pass now (to update the committed list after adding an operator).
/// </summary>
public sealed class NodeConformanceTests(ITestOutputHelper output)
{
    public const string DefaultDataFolder = "/usr/share/libonnx-testdata/data/node";

    /// <summary>The expected-passes line of a case that also passes inside Tf.Function.</summary>
    private const string TracedSuffix = " traced";

    [NodeTestsFact]
    public void NodeTests_ExpectedPasses_StillPass()
    {
        string folder = Environment.GetEnvironmentVariable("NABLA_ONNX_NODE_DATA") ?? DefaultDataFolder;
        Assert.True(Directory.Exists(folder), $"No ONNX node tests at {folder}: install libonnx-testdata.");
        string[] cases = [.. Directory.GetDirectories(folder, "test_*").Order(StringComparer.Ordinal)];
        Assert.True(cases.Length > 100, $"Only {cases.Length} node tests found in {folder}.");

        var expected = new HashSet<string>(
            File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "NodeTests", "expected-passes.txt"))
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')),
            StringComparer.Ordinal);
        var report = new StringBuilder();
        var passes = new List<string>();
        var regressions = new List<string>();
        var counts = new Dictionary<NodeTestOutcome, int>();
        int tracedPasses = 0;
        var clock = Stopwatch.StartNew();
        foreach (string path in cases)
        {
            string name = Path.GetFileName(path);
            NodeTestOutcome outcome = NodeTestCase.Run(path, traced: false, out string detail);
            if (outcome == NodeTestOutcome.Passed)
            {
                // Traced too: the same graph inside Tf.Function must give the same outputs.
                NodeTestOutcome traced = NodeTestCase.Run(path, traced: true, out string tracedDetail);
                if (traced == NodeTestOutcome.Passed)
                {
                    tracedPasses++;
                    passes.Add(name + TracedSuffix);
                }
                else
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"{name}: traced {traced}: {tracedDetail}");
                    if (expected.Contains(name + TracedSuffix))
                    {
                        regressions.Add($"{name} (traced): {tracedDetail}");
                    }
                }
            }

            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            if (outcome == NodeTestOutcome.Passed)
            {
                passes.Add(name);
            }
            else
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{name}: {outcome}: {detail}");
                if (expected.Contains(name))
                {
                    regressions.Add($"{name}: {detail}");
                }
            }
        }

        string summary = string.Create(CultureInfo.InvariantCulture,
            $"ONNX node tests: {cases.Length} cases, {counts.GetValueOrDefault(NodeTestOutcome.Passed)} passed ({tracedPasses} also traced), " +
            $"{counts.GetValueOrDefault(NodeTestOutcome.Failed)} failed, {counts.GetValueOrDefault(NodeTestOutcome.Unsupported)} unsupported; " +
            $"{expected.Count} expected passes (eager and traced), {regressions.Count} regressed; {clock.Elapsed.TotalSeconds:F0} s");
        report.Insert(0, summary + Environment.NewLine);
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("NABLA_ONNX_NODE_REPORT") is { Length: > 0 } reportPath)
        {
            File.WriteAllText(reportPath, report.ToString());
        }

        if (Environment.GetEnvironmentVariable("NABLA_ONNX_NODE_WRITE_PASSES") is { Length: > 0 } passesPath)
        {
            File.WriteAllLines(passesPath, passes.Order(StringComparer.Ordinal));
        }

        Assert.True(regressions.Count == 0, "Node tests that passed before fail now:\n" + string.Join("\n", regressions));
    }
}
