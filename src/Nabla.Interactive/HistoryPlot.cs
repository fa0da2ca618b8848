using System.Globalization;
using System.Text;
using Nabla.Keras;

namespace Nabla.Interactive;

/// <summary>
/// A Keras <see cref="History"/> as a notebook shows it: one small SVG chart per quantity (loss, then each metric),
/// the training curve solid and its <c>val_</c> twin dashed, epochs along the x axis. Plain SVG, so the notebook
/// needs no script or plotting package to show it.
/// </summary>
internal static class HistoryPlot
{
    private const int Width = 360;
    private const int Height = 220;
    private const int Left = 56;
    private const int Right = 12;
    private const int Top = 24;
    private const int Bottom = 36;

    /// <summary>The plain-text form: each quantity's first and last value.</summary>
    public static string Describe(History history)
    {
        var text = new StringBuilder();
        text.Append("History: ").Append(history.Epoch.Count).Append(history.Epoch.Count == 1 ? " epoch" : " epochs");
        foreach (string key in history.Keys)
        {
            IReadOnlyList<double> values = history[key];
            if (values.Count > 0)
            {
                text.Append("; ").Append(key).Append(' ').Append(Number(values[0]));
                if (values.Count > 1)
                {
                    text.Append(" -> ").Append(Number(values[^1]));
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The charts, side by side, in one HTML block.</summary>
    public static string Svg(History history)
    {
        var html = new StringBuilder("<div class=\"nabla-history\" style=\"display:flex;flex-wrap:wrap;gap:8px\">");
        foreach (string quantity in Quantities(history))
        {
            AppendChart(html, quantity, history[quantity], history["val_" + quantity]);
        }

        return html.Append("</div>").ToString();
    }

    /// <summary>The charted quantities: every key that is not a <c>val_</c> twin, loss first as Keras logs it.</summary>
    internal static List<string> Quantities(History history)
    {
        var quantities = new List<string>();
        foreach (string key in history.Keys)
        {
            string quantity = key.StartsWith("val_", StringComparison.Ordinal) && !history.ContainsKey(key[4..]) ? key[4..] : key;
            if (!key.StartsWith("val_", StringComparison.Ordinal) || quantity != key)
            {
                if (!quantities.Contains(quantity))
                {
                    quantities.Add(quantity);
                }
            }
        }

        quantities.Sort((a, b) => (a == "loss" ? 0 : 1).CompareTo(b == "loss" ? 0 : 1));
        return quantities;
    }

    private static void AppendChart(StringBuilder svg, string quantity, IReadOnlyList<double> train, IReadOnlyList<double> validation)
    {
        (double low, double high) = Range(train, validation);
        int epochs = Math.Max(train.Count, validation.Count);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"14\" text-anchor=\"middle\" font-weight=\"bold\">{quantity}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Top + 4}\" text-anchor=\"end\">{Number(high)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Height - Bottom}\" text-anchor=\"end\">{Number(low)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">1</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{epochs}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">epoch</text>");
        AppendLine(svg, train, epochs, low, high, "#1f77b4", dashed: false);
        AppendLine(svg, validation, epochs, low, high, "#ff7f0e", dashed: true);
        AppendLegend(svg, quantity, train.Count > 0, validation.Count > 0);
        svg.Append("</svg>");
    }

    private static void AppendLine(StringBuilder svg, IReadOnlyList<double> values, int epochs, double low, double high, string color, bool dashed)
    {
        if (values.Count == 0)
        {
            return;
        }

        svg.Append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").Append(color).Append(dashed ? "\" stroke-dasharray=\"5,3" : string.Empty).Append("\" points=\"");
        for (int i = 0; i < values.Count; i++)
        {
            double x = Left + ((Width - Left - Right) * (epochs == 1 ? 0.5 : i / (double)(epochs - 1)));
            double y = Top + ((Height - Top - Bottom) * (high - values[i]) / (high - low));
            svg.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
        }

        svg.Append("\"/>");
    }

    private static void AppendLegend(StringBuilder svg, string quantity, bool hasTrain, bool hasValidation)
    {
        int y = Top + 14;
        if (hasTrain)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 6}\" y=\"{y}\" text-anchor=\"end\" fill=\"#1f77b4\">{quantity}</text>");
            y += 14;
        }

        if (hasValidation)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 6}\" y=\"{y}\" text-anchor=\"end\" fill=\"#ff7f0e\">val_{quantity}</text>");
        }
    }

    // The y range of both curves, widened where it is a single value so the line sits in the middle.
    private static (double Low, double High) Range(IReadOnlyList<double> train, IReadOnlyList<double> validation)
    {
        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        foreach (IReadOnlyList<double> values in (IReadOnlyList<double>[])[train, validation])
        {
            foreach (double value in values)
            {
                if (double.IsFinite(value))
                {
                    low = Math.Min(low, value);
                    high = Math.Max(high, value);
                }
            }
        }

        if (!double.IsFinite(low))
        {
            return (0, 1);
        }

        double pad = high > low ? 0.05 * (high - low) : Math.Max(Math.Abs(low) * 0.05, 0.5);
        return (low - pad, high + pad);
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
