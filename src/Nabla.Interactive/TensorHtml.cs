using System.Net;
using System.Text;

namespace Nabla.Interactive;

/// <summary>
/// A tensor in HTML: a header with its shape and dtype (as TensorFlow's display names them), then its values: a
/// scalar as text, a vector as a one-row table, a matrix as a table, higher ranks as NumPy's text. The cells hold
/// NumPy's text of each element (one format for the whole array, as NumPy prints it), and large tensors are
/// summarized as NumPy summarizes them (the first and last three of each axis, "..." between).
/// </summary>
internal static class TensorHtml
{
    public static string Format(Tensor tensor)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"nabla-tensor\"><div><code>")
            .Append(Encode(Header(tensor)))
            .Append("</code></div>");

        string values = tensor.ToString("v", null);
        IReadOnlyList<string[]>? rows = tensor.Rank is 1 or 2 ? Rows(values) : null;
        if (rows is null)
        {
            html.Append("<pre>").Append(Encode(values)).Append("</pre>");
        }
        else
        {
            AppendTable(html, rows);
        }

        return html.Append("</div>").ToString();
    }

    /// <summary>TensorFlow's head of a display: <c>Tensor: shape=(2, 3), dtype=float32</c>, a variable with its name.</summary>
    internal static string Header(Tensor tensor)
    {
        string kind = tensor is Variable variable ? $"Variable '{variable.Name}'" : "Tensor";
        return $"{kind}: shape={tensor.Shape}, dtype={tensor.DType}";
    }

    /// <summary>
    /// The rows of NumPy's text of a vector or matrix, each a list of element texts ("..." where NumPy summarized);
    /// null when the text is not an array's (a graph tensor shows its own description).
    /// </summary>
    internal static IReadOnlyList<string[]>? Rows(string values)
    {
        if (values.Length < 2 || values[0] != '[' || values[^1] != ']')
        {
            return null;
        }

        // Without the outer brackets, a matrix is one row per "[...]", a row NumPy wrapped going on in lines that do
        // not start with '[', and a summarized axis a line "..."; a vector is one row.
        var rows = new List<string[]>();
        var current = new List<string>();
        bool matrix = values.StartsWith("[[", StringComparison.Ordinal);
        foreach (string line in values[1..^1].Split('\n'))
        {
            string text = line.Trim();
            if (matrix && (text.StartsWith('[') || text == "..."))
            {
                Flush(rows, current);
            }

            if (text == "..." && matrix)
            {
                rows.Add(["..."]);
                continue;
            }

            current.AddRange(text.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        Flush(rows, current);
        return rows;
    }

    private static void Flush(List<string[]> rows, List<string> current)
    {
        if (current.Count > 0)
        {
            rows.Add([.. current]);
            current.Clear();
        }
    }

    private static void AppendTable(StringBuilder html, IReadOnlyList<string[]> rows)
    {
        int columns = 0;
        foreach (string[] row in rows)
        {
            columns = Math.Max(columns, row.Length);
        }

        html.Append("<table class=\"nabla-values\">");
        foreach (string[] row in rows)
        {
            html.Append("<tr>");
            if (row is ["..."] && columns > 1)
            {
                // A summarized row of a matrix: one ellipsis cell across the table, as NumPy prints one line.
                html.Append("<td colspan=\"").Append(columns).Append("\" style=\"text-align:center\">&#8942;</td>");
            }
            else
            {
                foreach (string cell in row)
                {
                    html.Append("<td style=\"text-align:right\">").Append(cell == "..." ? "&#8230;" : Encode(cell)).Append("</td>");
                }
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
