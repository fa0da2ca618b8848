using System.Globalization;
using Nabla.Keras.Callbacks;

namespace Nabla.Keras.Tests;

public sealed class CSVLoggerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nabla-csvlogger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Rows_KerasColumns_SortedKeys_ValuesRoundTripHistory()
    {
        string path = Path.Combine(_dir, "run", "log.csv");
        History history = Fit(new CSVLogger(path), epochs: 3, validation: true);

        string text = File.ReadAllText(path);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        string[] lines = text.Split("\r\n")[..^1];
        Assert.Equal("epoch,loss,mae,val_loss,val_mae", lines[0]);
        Assert.Equal(4, lines.Length);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            string[] fields = lines[epoch + 1].Split(',');
            Assert.Equal(epoch.ToString(CultureInfo.InvariantCulture), fields[0]);
            string[] keys = ["loss", "mae", "val_loss", "val_mae"];
            for (int k = 0; k < keys.Length; k++)
            {
                Assert.Equal(history[keys[k]][epoch], double.Parse(fields[k + 1], CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public void WithoutValidation_ValColumnsAreNA_AndValuesPrintAsPython()
    {
        string path = Path.Combine(_dir, "log.csv");
        double[] values = [1.0, 1e-05, 0.0001, 1.5e16, 123.456, -0.0, double.NaN, 0.1, 1e16 - 2, double.NegativeInfinity, 2.5e-300];
        string[] python = ["1.0", "1e-05", "0.0001", "1.5e+16", "123.456", "-0.0", "nan", "0.1", "9999999999999998.0", "-inf", "2.5e-300"];
        Fit(new CSVLogger(path), epochs: values.Length, extra: new LogValues("a_value", values));

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("epoch,a_value,loss,mae,val_a_value,val_loss,val_mae", lines[0]);
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            string[] fields = lines[epoch + 1].Split(',');
            Assert.Equal(python[epoch], fields[1]);
            Assert.Equal(["NA", "NA", "NA"], fields[4..]);
        }
    }

    [Fact]
    public void Append_AddsRowsWithoutASecondHeader_OverwriteStartsOver()
    {
        string path = Path.Combine(_dir, "log.csv");
        Fit(new CSVLogger(path), epochs: 2);
        Fit(new CSVLogger(path, append: true), epochs: 3);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(6, lines.Length);
        Assert.Single(lines, line => line.StartsWith("epoch,", StringComparison.Ordinal));
        Assert.Equal(["0", "1", "0", "1", "2"], lines[1..].Select(line => line.Split(',')[0]));

        Fit(new CSVLogger(path), epochs: 1);
        Assert.Equal(2, File.ReadAllLines(path).Length);

        // Appending to a missing or empty file writes the header.
        string fresh = Path.Combine(_dir, "fresh.csv");
        File.WriteAllText(fresh, string.Empty);
        Fit(new CSVLogger(fresh, append: true), epochs: 1);
        Assert.StartsWith("epoch,", File.ReadAllText(fresh), StringComparison.Ordinal);
    }

    [Fact]
    public void Separator_IsUsed_AndFieldsHoldingItAreQuoted()
    {
        string path = Path.Combine(_dir, "log.tsv");
        Fit(new CSVLogger(path, separator: ";"), epochs: 1, extra: new LogValues("odd;key\"x", [2.0]));
        string header = File.ReadAllLines(path)[0];
        Assert.Equal("epoch;loss;mae;\"odd;key\"\"x\";val_loss;val_mae;\"val_odd;key\"\"x\"", header);
        Assert.Throws<ArgumentException>(() => new CSVLogger(path, separator: "\n"));
        Assert.Throws<ArgumentException>(() => new CSVLogger(string.Empty));
    }

    private static History Fit(CSVLogger logger, int epochs, bool validation = false, Callback? extra = null)
    {
        Backend.ClearSession();
        var random = new Random(5);
        float[] x = [.. Enumerable.Range(0, 32).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] y = [.. Enumerable.Range(0, 16).Select(i => x[2 * i] - x[(2 * i) + 1])];
        Tensor xs = Tf.Constant(x, [16, 2]), ys = Tf.Constant(y, [16, 1]);
        var model = new Sequential(new Dense(1, inputShape: [2]));
        model.Compile(new Optimizers.SGD(0.05), "mse", ["mae"]);
        Callback[] callbacks = extra is null ? [logger] : [extra, logger];
        return model.Fit(xs, ys, epochs: epochs, batchSize: 8, verbose: 0, callbacks: callbacks,
            validationData: validation ? (xs[..4], ys[..4]) : null);
    }

    private sealed class LogValues(string key, double[] values) : Callback
    {
        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => logs[key] = values[epoch];
    }
}
