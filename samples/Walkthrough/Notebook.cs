using System.Runtime.CompilerServices;

namespace Walkthrough;

/// <summary>
/// Prints notebook-style cells: the C# source of each cell (captured by the compiler, so the text shown is
/// exactly the code that runs) followed by its result.
/// </summary>
internal static class Notebook
{
    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"## {text}");
    }

    /// <summary>A cell whose value is displayed the way the notebook shows an expression's value (its repr).</summary>
    public static void Cell(string label, Func<object?> body, [CallerArgumentExpression(nameof(body))] string code = "")
    {
        Print(label, code);
        try
        {
            Console.WriteLine(Display(body()));
        }
        catch (ArgumentException e)
        {
            Console.WriteLine($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A cell that prints as it runs (a statement block).</summary>
    public static void Run(string label, Action body, [CallerArgumentExpression(nameof(body))] string code = "")
    {
        Print(label, code);
        body();
    }

    private static void Print(string label, string code)
    {
        Console.WriteLine();
        Console.WriteLine($"{label}:");
        foreach (string line in Unwrap(code).Split('\n'))
        {
            Console.WriteLine($"    {line.TrimEnd()}");
        }

        Console.WriteLine();
    }

    // Shows the lambda's body, not the lambda syntax around it.
    private static string Unwrap(string code)
    {
        string text = code.Trim();
        if (text.StartsWith("() =>", StringComparison.Ordinal))
        {
            text = text[5..].Trim();
        }

        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            string[] lines = text[1..^1].TrimEnd().Trim('\n', '\r').Split('\n');
            int indent = int.MaxValue;
            foreach (string line in lines)
            {
                if (line.Trim().Length > 0)
                {
                    indent = Math.Min(indent, line.Length - line.TrimStart().Length);
                }
            }

            text = string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        }

        return text;
    }

    // Tensors in a list go one per line, as Python prints a list of reprs; plain values stay on one line.
    private static string DisplayList(List<object?> items)
        => "[" + string.Join(items.Any(i => i is Nabla.Tensor) ? ",\n " : ", ", items.Select(Display)) + "]";

    private static string Display(object? value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable e and not Nabla.Tensor => DisplayList(e.Cast<object?>().ToList()),
        _ => value.ToString() ?? string.Empty,
    };
}
