using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nabla.Keras.Tests.Samples;

/// <summary>
/// The walkthrough (samples/Walkthrough) against the seed notebook: run as a fresh process, its cells rendered as the
/// seed's text shows a notebook (markdown, <c>In [n]:</c>, the Python, a blank line, each output) must give the seed's
/// text line for line, up to the tf./Tf. spelling and the few differences listed here with their reasons.
/// </summary>
public partial class WalkthroughTests
{
    // In [2] displays Dense's kernel, drawn by Glorot's initializer: its numbers are masked on both sides.
    private static readonly HashSet<string> s_randomCells = ["In [2]"];

    // The seed's text stops in the middle of In [34]'s last line ("... Bias <tf.Variable 'Variable:0' shape=() dty"):
    // there the walkthrough's line must start with it.
    private static readonly HashSet<string> s_truncatedInSeed = ["In [34]"];

    // Differences that are the languages', not the libraries' results:
    // In [19]: TensorFlow's assign_add returns a handle printed as 'UnreadVariable'; Nabla's AssignAdd returns the variable.
    private static readonly (string Cell, string Seed, string Walkthrough)[] s_knownDifferences =
    [
        ("In [19]", "'UnreadVariable'", "'Variable:0'"),
    ];

    private sealed record Item(string Kind, string? Label, string? Python, string? Code, List<string> Outputs);

    [Fact]
    public void Walkthrough_EveryCell_PrintsWhatTheNotebookPrints()
    {
        List<Item> items = RunWalkthrough();
        (List<string> lines, List<string?> cellOfLine) = Render(items);
        string[] seed = Normalize(File.ReadAllText(SamplePaths.Seed)).Split('\n');
        for (int i = 0; i < Math.Max(lines.Count, seed.Length); i++)
        {
            string? cell = i < cellOfLine.Count ? cellOfLine[i] : null;
            string expected = i < seed.Length ? Known(cell, seed[i]) : "<end of the seed>";
            string actual = i < lines.Count ? lines[i] : "<end of the walkthrough>";
            if (cell is not null && s_randomCells.Contains(cell))
            {
                (expected, actual) = (MaskNumbers(expected), MaskNumbers(actual));
            }

            bool cut = cell is not null && s_truncatedInSeed.Contains(cell) && i + 1 < seed.Length && seed[i + 1].Length == 0
                && expected.Length > 0 && actual.StartsWith(expected, StringComparison.Ordinal);
            Assert.True(expected == actual || cut, $"line {i + 1} ({cell ?? "markdown"}):\n  seed:        {expected}\n  walkthrough: {actual}");
        }
    }

    [Fact]
    public void Walkthrough_GraphModeTrainingCell_PrintsItsGraph_AndEndsWithTheEagerWeights()
    {
        Item cell = Assert.Single(RunWalkthrough(), i => i.Kind == "extra" && i.Label!.Contains("same training step", StringComparison.Ordinal));
        string output = string.Join("\n", cell.Outputs);
        Assert.Contains("AssignVariableOp", output, StringComparison.Ordinal);
        Assert.Contains("Same as eager: True", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Walkthrough_CodeCells_ShowTheirCSharpAndDefineTheNotebooksNames()
    {
        Dictionary<string, string> code = RunWalkthrough().Where(i => i.Kind == "cell").GroupBy(i => i.Label!)
            .ToDictionary(g => g.Key, g => g.Last().Code!);
        Assert.Contains("long[] x = ", code["In [25]"], StringComparison.Ordinal);
        Assert.Contains("var w = new Variable(", code["In [34]"], StringComparison.Ordinal);
        Assert.Contains("var b = new Variable(", code["In [34]"], StringComparison.Ordinal);
        Assert.Contains("for (int i = 0; i < 1000; i++)", code["In [34]"], StringComparison.Ordinal);
        Assert.Contains("class MyLayer : Layer", code["In [21]"], StringComparison.Ordinal);
        Assert.All(code.Values, c => Assert.DoesNotContain("Cell(", c, StringComparison.Ordinal));
    }

    private static List<Item> RunWalkthrough()
    {
        string transcript = Path.Combine(Path.GetTempPath(), $"nabla-walkthrough-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in (string[])["exec", SamplePaths.SampleDll("Walkthrough"), "--transcript", transcript])
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(120_000), "the walkthrough did not finish in 2 minutes");
            Assert.True(process.ExitCode == 0, $"the walkthrough failed ({process.ExitCode}):\n{stderr.Result}\n{stdout.Result}");
            return JsonSerializer.Deserialize<List<Item>>(File.ReadAllText(transcript))!;
        }
        finally
        {
            File.Delete(transcript);
        }
    }

    // The seed's layout: items separated by a blank line; a code cell is "In [n]:", its Python, then each output after a
    // blank line (a printed output ends with its own newline, so a blank line more follows it).
    private static (List<string> Lines, List<string?> CellOfLine) Render(List<Item> items)
    {
        var text = new StringBuilder();
        var cells = new List<(int Start, string? Label)>();
        foreach (Item item in items.Where(i => i.Kind != "extra"))
        {
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            cells.Add((text.ToString().Count(c => c == '\n'), item.Kind == "cell" ? item.Label : null));
            if (item.Kind == "markdown")
            {
                text.Append(item.Outputs[0].TrimEnd('\n'));
                continue;
            }

            text.Append(item.Label).Append(":\n").Append(item.Python!.TrimEnd('\n'));
            foreach (string output in item.Outputs)
            {
                text.Append("\n\n").Append(s_truncatedInSeed.Contains(item.Label!) ? output.TrimEnd('\n') : output);
            }
        }

        string[] lines = Normalize(text.ToString()).Split('\n');
        var cellOfLine = new List<string?>(lines.Length);
        for (int i = 0, c = 0; i < lines.Length; i++)
        {
            while (c + 1 < cells.Count && cells[c + 1].Start <= i)
            {
                c++;
            }

            cellOfLine.Add(cells[c].Label);
        }

        return ([.. lines], cellOfLine);
    }

    // Up to the spelling: `tf.Variable` is Variable, tf.float32 is float32, Python's ValueError is .NET's
    // ArgumentException, and trailing blanks do not count.
    private static string Normalize(string text)
    {
        text = text.ReplaceLineEndings("\n");
        text = BacktickedTfName().Replace(text, "$1");
        text = text.Replace("tf.", string.Empty, StringComparison.Ordinal).Replace("ValueError: ", "ArgumentException: ", StringComparison.Ordinal);
        return string.Join('\n', text.Split('\n').Select(l => l.TrimEnd()));
    }

    private static string Known(string? cell, string seedLine)
    {
        foreach ((string c, string seed, string walkthrough) in s_knownDifferences)
        {
            if (c == cell)
            {
                seedLine = seedLine.Replace(seed, walkthrough, StringComparison.Ordinal);
            }
        }

        return seedLine;
    }

    private static string MaskNumbers(string line) => Number().Replace(line, "#");

    [GeneratedRegex(@"`tf\.(\w+)`")]
    private static partial Regex BacktickedTfName();

    [GeneratedRegex(@"-?\d+\.\d*(e[+-]?\d+)?")]
    private static partial Regex Number();
}
