using System.Text.Json;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace Nabla.Interactive.Tests;

/// <summary>What one code cell did: its source, what it printed, what it displayed (by MIME type), its error.</summary>
internal sealed record CellRun(string Source, string StandardOutput, IReadOnlyList<IReadOnlyDictionary<string, string>> Displayed, string? Error);

/// <summary>
/// Runs a notebook's C# cells in order in one in-process C# kernel, as Polyglot Notebooks runs them: variables live
/// across cells, a trailing expression is displayed, and the current directory is the notebook's (so its
/// <c>#r "../src/..."</c> lines find the built assemblies).
/// </summary>
internal static class NotebookRunner
{
    public static async Task<IReadOnlyList<CellRun>> RunAsync(string notebookPath)
    {
        string[] sources = CodeCells(notebookPath);
        string previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
        try
        {
            using CSharpKernel kernel = new CSharpKernel().UseKernelHelpers().UseValueSharing();
            var runs = new List<CellRun>(sources.Length);
            foreach (string source in sources)
            {
                KernelCommandResult result = await kernel.SendAsync(new SubmitCode(ForThisConfiguration(source)));
                runs.Add(Read(source, result.Events));
            }

            return runs;
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    /// <summary>The notebook's code cells, each source joined from its lines as Jupyter stores them.</summary>
    public static string[] CodeCells(string notebookPath)
    {
        using JsonDocument notebook = JsonDocument.Parse(File.ReadAllText(notebookPath));
        var cells = new List<string>();
        foreach (JsonElement cell in notebook.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() == "code")
            {
                cells.Add(string.Concat(cell.GetProperty("source").EnumerateArray().Select(line => line.GetString())));
            }
        }

        return [.. cells];
    }

    // The notebook references the Release build; a Debug test run uses the Debug one it just built.
    private static string ForThisConfiguration(string source) =>
#if DEBUG
        source.Replace("/bin/Release/", "/bin/Debug/", StringComparison.Ordinal);
#else
        source;
#endif

    private static CellRun Read(string source, IReadOnlyList<KernelEvent> events)
    {
        var output = new System.Text.StringBuilder();
        var displayed = new List<IReadOnlyDictionary<string, string>>();
        string? error = null;
        foreach (KernelEvent e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced stdout:
                    output.Append(stdout.FormattedValues.First().Value);
                    break;
                case StandardErrorValueProduced stderr:
                    error = stderr.FormattedValues.First().Value;
                    break;
                case DisplayEvent display:
                    displayed.Add(display.FormattedValues.ToDictionary(value => value.MimeType, value => value.Value));
                    break;
                case CommandFailed failed:
                    error = failed.Message;
                    break;
            }
        }

        return new CellRun(source, output.ToString(), displayed, error);
    }
}
