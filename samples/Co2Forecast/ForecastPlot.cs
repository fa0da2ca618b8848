using System.Globalization;
using ScottPlot;

namespace Co2Forecast;

/// <summary>
/// Draws the held-out years: the measured weeks, and the yearly forecasts made at the start of each held-out year (the
/// LSTM's and the Transformer's solid, the same-week-last-year baseline's dashed), into a PNG.
/// </summary>
internal static class ForecastPlot
{
    public static void Save(string path, Co2Series series, int firstOrigin, float[][] lstm, float[][] transformer, float[][] lastYear)
    {
        var plot = new Plot();
        int from = Math.Max(0, firstOrigin - Windows.History);
        var weeks = Enumerable.Range(from, series.Count - from).Where(w => series.Measured[w]).ToArray();
        var truth = plot.Add.Scatter(weeks.Select(w => series.Years[w]).ToArray(), weeks.Select(w => (double)series.Values[w]).ToArray());
        truth.LegendText = "measured";
        truth.LineWidth = 1;
        truth.MarkerSize = 3;
        truth.Color = Colors.Black;

        // One forecast per held-out year, made from the week before it starts.
        for (int k = 0; k < lstm.Length; k += Windows.Horizon)
        {
            Segment(plot, series, firstOrigin + k, lstm[k], Colors.Red, LinePattern.Solid, k == 0 ? "LSTM forecast" : null);
            Segment(plot, series, firstOrigin + k, transformer[k], Colors.Green, LinePattern.Solid, k == 0 ? "Transformer forecast" : null);
            Segment(plot, series, firstOrigin + k, lastYear[k], Colors.Blue, LinePattern.Dashed, k == 0 ? "same week last year" : null);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = year => year.ToString("0", CultureInfo.InvariantCulture),   // 1998, not 1,998
        };
        plot.Title("Mauna Loa CO2: 52-week forecasts on the held-out years");
        plot.XLabel("Year");
        plot.YLabel("CO2 (ppmv)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1200, 600);
    }

    private static void Segment(Plot plot, Co2Series series, int origin, float[] forecast, Color color, LinePattern pattern, string? label)
    {
        double[] years = [.. Enumerable.Range(origin + 1, forecast.Length).Select(w => series.Years[w])];
        var line = plot.Add.Scatter(years, [.. forecast.Select(v => (double)v)]);
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        if (label is not null)
        {
            line.LegendText = label;
        }
    }
}
