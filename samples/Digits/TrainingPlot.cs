using ScottPlot;

namespace Digits;

/// <summary>One model's curves: per-epoch training and validation loss and accuracy.</summary>
internal sealed record Curves(string Model, double[] Loss, double[] Accuracy, double[] ValidationLoss, double[] ValidationAccuracy);

/// <summary>Draws each model's loss and accuracy curves, one row of two panels per model, into a PNG.</summary>
internal static class TrainingPlot
{
    public static void Save(string path, IReadOnlyList<Curves> runs)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(runs.Count * 2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: runs.Count, columns: 2);
        for (int r = 0; r < runs.Count; r++)
        {
            Curves run = runs[r];
            Panel(multiplot.GetPlot(2 * r), $"{run.Model}: loss", "Loss (cross-entropy)", run.Loss, run.ValidationLoss, lowerIsBetter: true);
            Panel(multiplot.GetPlot((2 * r) + 1), $"{run.Model}: accuracy", "Accuracy", run.Accuracy, run.ValidationAccuracy, lowerIsBetter: false);
        }

        multiplot.SavePng(path, 1200, 450 * runs.Count);
    }

    private static void Panel(Plot plot, string title, string yLabel, double[] training, double[] validation, bool lowerIsBetter)
    {
        double[] epochs = [.. Enumerable.Range(1, training.Length).Select(e => (double)e)];
        var train = plot.Add.Scatter(epochs, training);
        train.LegendText = "training";
        train.LineWidth = 2;
        train.MarkerSize = 4;
        var valid = plot.Add.Scatter(epochs, validation);
        valid.LegendText = "validation (held-out fifth)";
        valid.LineWidth = 2;
        valid.MarkerSize = 4;
        valid.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel("Epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(lowerIsBetter ? Alignment.UpperRight : Alignment.LowerRight);
        if (!lowerIsBetter)
        {
            plot.Axes.SetLimitsY(Math.Min(training.Min(), validation.Min()) - 0.02, 1.005);
        }
    }
}
