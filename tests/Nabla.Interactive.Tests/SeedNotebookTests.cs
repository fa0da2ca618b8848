namespace Nabla.Interactive.Tests;

/// <summary>
/// notebooks/seed.ipynb run headlessly, as CI runs it: every cell without an error, and the outputs a TensorFlow user
/// expects from the seed's cells (tensors shown with shape and dtype, print forms, the training loop converging).
/// </summary>
public sealed class SeedNotebookTests
{
    private static readonly Lazy<Task<IReadOnlyList<CellRun>>> s_runs = new(() => NotebookRunner.RunAsync(NotebookPath()));

    [Fact]
    public async Task EveryCell_RunsWithoutError()
    {
        IReadOnlyList<CellRun> runs = await s_runs.Value;

        Assert.True(runs.Count >= 30, $"only {runs.Count} code cells");
        foreach (CellRun run in runs)
        {
            Assert.True(run.Error is null, $"cell failed:\n{run.Source}\n--- error ---\n{run.Error}");
        }
    }

    [Fact]
    public async Task TensorCells_DisplayShapeDtypeAndATable()
    {
        IReadOnlyList<CellRun> runs = await s_runs.Value;

        string reshaped = Html(Cell(runs, "Tf.Reshape(x, [5, 5])"));
        Assert.Contains("Tensor: shape=(5, 5), dtype=int64", reshaped, StringComparison.Ordinal);
        Assert.Equal(5, Count(reshaped, "<tr>"));
        Assert.Contains("<td style=\"text-align:right\">24</td>", reshaped, StringComparison.Ordinal);

        string variable = Html(Cell(runs, "new Variable(new[] { 1, 2 }, DType.Float32)"));
        Assert.Contains("shape=(2,), dtype=float32", variable, StringComparison.Ordinal);
        Assert.Contains("<td style=\"text-align:right\">1.</td>", variable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintCells_PrintAsTheNotebookPrints()
    {
        IReadOnlyList<CellRun> runs = await s_runs.Value;

        Assert.Equal("Hello 25\n", Cell(runs, "Hello {Tf.Square(5)}").StandardOutput.ReplaceLineEndings("\n"));
        Assert.Contains(
            "Tensor(\n[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]], shape=(3, 3), dtype=float64)",
            Cell(runs, "Tf.Multiply(ndarray, 5)").StandardOutput.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        Assert.Equal(
            "Tensor(108.0, shape=(), dtype=float32) Tensor(6.0, shape=(), dtype=float32)\n",
            Cell(runs, "tape.Gradient(z, x)").StandardOutput.ReplaceLineEndings("\n"));
        Assert.Contains(
            "ArgumentException: In this Variable creation, the initial value's shape ((4,)) is not compatible with the explicitly supplied `shape` argument ((2, 2)).",
            Cell(runs, "shape: [2, 2]").StandardOutput,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphCell_TracesOnceAndPrintsTheGraph()
    {
        IReadOnlyList<CellRun> runs = await s_runs.Value;

        CellRun cell = Cell(runs, "Tf.Function(");
        string output = cell.StandardOutput.ReplaceLineEndings("\n");
        Assert.Equal(1, Count(output, "tracing; executing eagerly: False"));
        Assert.Contains("FuncGraph", output, StringComparison.Ordinal);
        Assert.Contains("Tensor: shape=(), dtype=float32", Html(cell, 0), StringComparison.Ordinal);
        Assert.Contains("<pre>14.0</pre>", Html(cell, 0), StringComparison.Ordinal);
        Assert.Contains("<pre>77.0</pre>", Html(cell, 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainingLoopCell_LossFallsAndFitShowsAPlot()
    {
        IReadOnlyList<CellRun> runs = await s_runs.Value;

        string[] losses = [.. Cell(runs, "FitData(long[] x").StandardOutput.Split('\n').Where(line => line.StartsWith("Loss ", StringComparison.Ordinal))];
        Assert.Equal(10, losses.Length);
        Assert.Contains("Weight <Variable", Cell(runs, "FitData(long[] x").StandardOutput, StringComparison.Ordinal);

        string plot = Html(Cell(runs, "line.Fit("));
        Assert.Contains("<svg", plot, StringComparison.Ordinal);
        Assert.Contains(">loss</text>", plot, StringComparison.Ordinal);
    }

    private static CellRun Cell(IReadOnlyList<CellRun> runs, string code) =>
        runs.FirstOrDefault(run => run.Source.Contains(code, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"no cell of the notebook contains '{code}'");

    private static string Html(CellRun cell, int index = -1)
    {
        IReadOnlyDictionary<string, string> shown = index < 0 ? cell.Displayed[^1] : cell.Displayed[index];
        return shown.TryGetValue("text/html", out string? html) ? html : throw new InvalidOperationException($"no HTML in {string.Join(", ", shown.Keys)}");
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>The repository's root: the folder above the test binaries that holds Nabla.slnx.</summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nabla.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Nabla.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string NotebookPath() => Path.Combine(RepositoryRoot(), "notebooks", "seed.ipynb");
}
