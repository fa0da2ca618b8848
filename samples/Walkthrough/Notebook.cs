using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Nabla;

namespace Walkthrough;

/// <summary>
/// Runs Program.cs as a notebook. <see cref="Markdown"/> prints a text cell; <see cref="Cell"/> starts a code cell: it
/// prints the notebook's Python and the C# that follows the call in Program.cs (read from the embedded source, so the
/// text shown is the code that runs), then what the cell prints and displays. Variables live across cells, as in a
/// notebook. With <c>--transcript FILE</c> the cells are also written as JSON, which the tests compare with the seed.
/// </summary>
internal static class Notebook
{
    private static readonly TextWriter s_console = Console.Out;
    private static readonly List<NotebookItem> s_items = [];
    private static readonly Dictionary<string, string[]> s_sources = [];
    private static NotebookItem? s_cell;
    private static StringWriter? s_stream;
    private static string? s_transcriptPath;

    /// <summary>Reads the command line: <c>--transcript FILE</c>.</summary>
    public static void Start(string[] args)
    {
        int at = Array.IndexOf(args, "--transcript");
        s_transcriptPath = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>A text cell of the notebook (headings, notes), printed as it is.</summary>
    public static void Markdown(string text)
    {
        FinishCell();
        s_items.Add(new NotebookItem("markdown", null, null, null, [text]));
        s_console.WriteLine(text);
        s_console.WriteLine();
    }

    /// <summary>Starts a code cell of the notebook: its label, its Python, and the C# below this call.</summary>
    public static void Cell(string label, string python, string? alsoShow = null, [CallerLineNumber] int line = 0) =>
        StartCell("cell", label, python, alsoShow, line);

    /// <summary>Starts a cell that is Nabla's own, not the notebook's (the tests skip it).</summary>
    public static void Extra(string title, [CallerLineNumber] int line = 0) => StartCell("extra", title, null, null, line);

    /// <summary>Shows a value as the notebook displays a cell's last expression (TensorFlow's and NumPy's reprs).</summary>
    public static void Display(object? value)
    {
        FlushStream();
        string text = Repr(value);
        s_cell?.Outputs.Add(text);
        s_console.WriteLine(text);
        s_console.WriteLine();
    }

    /// <summary>Runs code that the notebook shows failing, and displays the error as the notebook does (<c>Type: message</c>).</summary>
    public static void ShowError(Func<object?> code)
    {
        ArgumentNullException.ThrowIfNull(code);
        try
        {
            Display(code());
        }
        catch (ArgumentException e)
        {
            // The message without .NET's " (Parameter 'shape')" suffix, as Python shows the exception's text.
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            FlushStream();
            s_cell?.Outputs.Add($"{e.GetType().Name}: {message}");
            s_console.WriteLine($"{e.GetType().Name}: {message}");
            s_console.WriteLine();
        }
    }

    /// <summary>Ends the notebook: finishes the last cell and writes the transcript when asked.</summary>
    public static void End()
    {
        FinishCell();
        if (s_transcriptPath is not null)
        {
            File.WriteAllText(s_transcriptPath, JsonSerializer.Serialize(s_items));
        }
    }

    private static void StartCell(string kind, string label, string? python, string? alsoShow, int line)
    {
        FinishCell();
        string code = CodeAfter(line);
        if (alsoShow is not null)
        {
            code = TypeSource(alsoShow) + "\n\n" + code;
        }

        s_cell = new NotebookItem(kind, label, python, code, []);
        s_items.Add(s_cell);
        s_console.WriteLine(kind == "extra" ? $"[{label}]" : $"{label}:");
        if (python is not null)
        {
            WriteIndented("py | ", python);
        }

        WriteIndented("cs | ", code);
        s_console.WriteLine();
        s_stream = new StringWriter();
        Console.SetOut(s_stream);
    }

    private static void WriteIndented(string margin, string text)
    {
        foreach (string line in text.Split('\n'))
        {
            s_console.WriteLine((margin + line).TrimEnd());
        }
    }

    // What the cell printed since its start or its last display is one output (a notebook's stream output).
    private static void FlushStream()
    {
        if (s_stream is null)
        {
            return;
        }

        string text = s_stream.ToString().ReplaceLineEndings("\n");
        s_stream.GetStringBuilder().Clear();
        if (text.Length > 0)
        {
            s_cell?.Outputs.Add(text);
            s_console.Write(text);
            s_console.WriteLine();
        }
    }

    private static void FinishCell()
    {
        FlushStream();
        Console.SetOut(s_console);
        s_stream = null;
        s_cell = null;
    }

    // The lines of Program.cs after the statement that starts at `line` (a Cell or Extra call), up to the next cell or
    // text; the braces of blocks at the file's top level (which give cells reusing a name, such as x, their own scope)
    // are left out.
    private static string CodeAfter(int line)
    {
        string[] lines = Source("Program.cs");
        int index = line - 1;
        int end = StatementEnd(lines, index);
        var code = new List<string>();
        for (int i = end + 1; i < lines.Length && !IsMarker(lines[i]); i++)
        {
            if (lines[i].TrimEnd() is not ("{" or "}"))
            {
                code.Add(lines[i].TrimEnd());
            }
        }

        return Unindent(code);
    }

    private static bool IsMarker(string line)
    {
        string trimmed = line.TrimStart();
        return trimmed.StartsWith("Cell(", StringComparison.Ordinal) || trimmed.StartsWith("Markdown(", StringComparison.Ordinal)
            || trimmed.StartsWith("Extra(", StringComparison.Ordinal) || trimmed.StartsWith("End(", StringComparison.Ordinal);
    }

    // A call with a raw string ends at the line that closes it; any other at its first line ending in ");".
    private static int StatementEnd(string[] lines, int start)
    {
        bool rawString = lines[start].TrimEnd().EndsWith("\"\"\"", StringComparison.Ordinal);
        for (int i = start; i < lines.Length; i++)
        {
            string trimmed = lines[i].Trim();
            if (rawString ? i > start && trimmed.StartsWith("\"\"\"", StringComparison.Ordinal) : trimmed.EndsWith(");", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return lines.Length - 1;
    }

    // A class of the sample shown in full (its declaration and body, without usings and namespace).
    private static string TypeSource(string file)
    {
        string[] lines = Source(file);
        int first = Array.FindIndex(lines, l => l.StartsWith("///", StringComparison.Ordinal) || l.StartsWith("internal", StringComparison.Ordinal));
        return Unindent([.. lines[first..].Select(l => l.TrimEnd())]);
    }

    private static string Unindent(List<string> lines)
    {
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l));
    }

    private static string[] Source(string file)
    {
        if (!s_sources.TryGetValue(file, out string[]? lines))
        {
            using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Walkthrough.{file}")
                ?? throw new InvalidOperationException($"{file} is not embedded in the walkthrough.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            lines = reader.ReadToEnd().ReplaceLineEndings("\n").Split('\n');
            s_sources[file] = lines;
        }

        return lines;
    }

    // How a notebook displays a value: TensorFlow's repr for tensors, NumPy's for .NET arrays (the NumPy of C#), Python's
    // for lists and tuples (one item per line when the whole would pass 79 characters, as IPython's printer breaks them).
    private static string Repr(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        Tensor t => t.ToString("r", null),
        Array a when a.Rank > 0 && a.GetType().GetElementType() is { IsPrimitive: true } => FromArray(a).ToString("a", null),
        ITuple tuple => Sequence("(", ")", [.. Enumerable.Range(0, tuple.Length).Select(i => tuple[i])]),
        IEnumerable e => Sequence("[", "]", [.. e.Cast<object?>()]),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static Tensor FromArray(Array array) => array switch
    {
        long[] v => v,
        long[,] v => v,
        int[] v => v,
        int[,] v => v,
        double[] v => v,
        double[,] v => v,
        float[] v => v,
        float[,] v => v,
        bool[] v => v,
        _ => throw new ArgumentException($"The walkthrough does not display {array.GetType().Name} arrays.", nameof(array)),
    };

    private static string Sequence(string open, string close, List<object?> items)
    {
        string[] parts = [.. items.Select(Repr)];
        string oneLine = open + string.Join(", ", parts) + close;
        return oneLine.Length <= 79 && !oneLine.Contains('\n', StringComparison.Ordinal) ? oneLine : open + string.Join(",\n ", parts) + close;
    }
}

/// <summary>One item of the notebook: a text cell, or a code cell with its Python, its C# and its outputs.</summary>
internal sealed record NotebookItem(string Kind, string? Label, string? Python, string? Code, List<string> Outputs);
