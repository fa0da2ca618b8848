using System.Globalization;
using System.Text;

namespace Nabla.Keras;

public partial class Model
{
    // Keras's summary columns: end positions of [.45, .85, 1] of 65 characters, or, with the "Connected to" column
    // of a functional model that is not a plain chain, [.33, .55, .67, 1] of 98.
    private static readonly int[] s_summaryColumns = [29, 55, 65];
    private static readonly int[] s_connectedColumns = [32, 53, 65, 98];

    /// <summary>
    /// Prints Keras's summary table: each layer's name and type, output shape (batch dimension <c>None</c>;
    /// <c>multiple</c> when the model does not record it) and parameter count, then the total, trainable and
    /// non-trainable parameter counts (Keras's <c>model.summary()</c>). A functional model whose graph is not a plain
    /// chain adds Keras's "Connected to" column: the inputs of each layer call as <c>layer[node][tensor]</c>.
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

        bool connected = _functional is { IsSequentialLike: false };
        int[] columns = connected ? s_connectedColumns : s_summaryColumns;
        int width = columns[^1];
        writer.WriteLine($"Model: \"{Name}\"");
        writer.WriteLine(new string('_', width));
        WriteRow(writer, columns, connected ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"]);
        writer.WriteLine(new string('=', width));
        IReadOnlyList<Layer> layers = SummaryLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            string shape = _functional is not null ? FunctionalOutputShape(layer) : OutputShapeOf(i) is { } s ? FormatOutputShape(s) : "multiple";
            string name = $"{layer.Name} ({layer.GetType().Name})";
            string parameters = CountParams(layer.Variables).ToString(CultureInfo.InvariantCulture);
            WriteRow(writer, columns, connected ? [name, shape, parameters, Connections(layer)] : [name, shape, parameters]);
            writer.WriteLine(new string(' ', width));
        }

        long trainable = CountParams(TrainableVariables);
        long nonTrainable = CountParams(NonTrainableVariables);
        writer.WriteLine(new string('=', width));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total params: {trainable + nonTrainable:N0}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trainable params: {trainable:N0}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Non-trainable params: {nonTrainable:N0}"));
        writer.WriteLine(new string('_', width));
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

    // Keras's print_row: a leading space, each column cut to fit its width (at the end of a tuple or list item when
    // one ends inside the cut, as Keras breaks "Connected to" lists) and padded to its end position, two spaces
    // between columns; what did not fit continues on the next lines.
    private static void WriteRow(TextWriter writer, int[] columns, string[] fields)
    {
        string[] left = [.. fields];
        string[] breaks = ["),", "},", "],", "',"];
        while (left.Any(f => f.Length > 0))
        {
            var line = new StringBuilder(" ");
            for (int col = 0; col < left.Length; col++)
            {
                int startPos = col > 0 ? columns[col - 1] : 0;
                int space = col != columns.Length - 1 ? 2 : 0;
                int cutoff = Math.Min(left[col].Length, columns[col] - startPos - space);
                string fit = left[col][..cutoff];
                foreach (string mark in breaks)
                {
                    int at = fit.IndexOf(mark, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        cutoff = Math.Min(cutoff, at + mark.Length);
                    }
                }

                line.Append(left[col], 0, cutoff).Append(' ', space);
                left[col] = left[col][cutoff..];
                if (line.Length < columns[col])
                {
                    line.Append(' ', columns[col] - line.Length);
                }
            }

            writer.WriteLine(line.ToString());
        }
    }
}
