using System.Globalization;
using System.Text;

namespace Nabla.Keras;

public partial class Model
{
    private const int SummaryWidth = 65;
    private static readonly int[] s_summaryColumns = [29, 55, 65];

    /// <summary>
    /// Prints Keras's summary table: each layer's name and type, output shape (batch dimension <c>None</c>;
    /// <c>multiple</c> when the model does not record it) and parameter count, then the total, trainable and
    /// non-trainable parameter counts (Keras's <c>model.summary()</c>).
    /// </summary>
    /// <param name="writer">Where to print; <see cref="Console.Out"/> by default.</param>
    /// <exception cref="InvalidOperationException">When the model has not been built.</exception>
    public void Summary(TextWriter? writer = null)
    {
        writer ??= Console.Out;
        if (!Built)
        {
            throw new InvalidOperationException(
                $"Model {Name}: this model has not yet been built. Build the model first by calling Build() or by calling it on a batch of data.");
        }

        writer.WriteLine($"Model: \"{Name}\"");
        writer.WriteLine(new string('_', SummaryWidth));
        writer.WriteLine(SummaryRow("Layer (type)", "Output Shape", "Param #"));
        writer.WriteLine(new string('=', SummaryWidth));
        IReadOnlyList<Layer> layers = SummaryLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            string shape = OutputShapeOf(i) is { } s ? FormatOutputShape(s) : "multiple";
            writer.WriteLine(SummaryRow($"{layer.Name} ({layer.GetType().Name})", shape, CountParams(layer.Variables).ToString(CultureInfo.InvariantCulture)));
            writer.WriteLine(new string(' ', SummaryWidth));
        }

        long trainable = CountParams(TrainableVariables);
        long nonTrainable = CountParams(NonTrainableVariables);
        writer.WriteLine(new string('=', SummaryWidth));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total params: {trainable + nonTrainable:N0}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trainable params: {trainable:N0}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Non-trainable params: {nonTrainable:N0}"));
        writer.WriteLine(new string('_', SummaryWidth));
    }

    /// <summary>The layers listed by <see cref="Summary"/>: the directly nested layers.</summary>
    private protected virtual IReadOnlyList<Layer> SummaryLayers => Layers;

    /// <summary>The output shape (batch dimension first) of the <paramref name="index"/>-th summary layer, when recorded.</summary>
    private protected virtual Shape? OutputShapeOf(int index) => null;

    private static long CountParams(IReadOnlyList<Variable> variables)
    {
        long count = 0;
        foreach (Variable v in variables)
        {
            count += v.Size;
        }

        return count;
    }

    private static string FormatOutputShape(Shape shape)
    {
        var text = new StringBuilder("(None");
        for (int i = 1; i < shape.Rank; i++)
        {
            text.Append(", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(shape.Rank == 1 ? ",)" : ")").ToString();
    }

    // Keras's print_row: a leading space, each column cut to fit and padded to its end position, two spaces between columns.
    private static string SummaryRow(params string[] fields)
    {
        var line = new StringBuilder(" ");
        for (int col = 0; col < fields.Length; col++)
        {
            int startPos = col > 0 ? s_summaryColumns[col - 1] : 0;
            int space = col != s_summaryColumns.Length - 1 ? 2 : 0;
            int cutoff = s_summaryColumns[col] - startPos - space;
            string field = fields[col].Length > cutoff ? fields[col][..cutoff] : fields[col];
            line.Append(field).Append(' ', space);
            if (line.Length < s_summaryColumns[col])
            {
                line.Append(' ', s_summaryColumns[col] - line.Length);
            }
        }

        return line.ToString();
    }
}
