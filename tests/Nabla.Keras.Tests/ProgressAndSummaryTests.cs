using System.Text.RegularExpressions;
using Nabla.Keras.Callbacks;
using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

public partial class ProgressAndSummaryTests
{
    private static (Tensor X, Tensor Y) Data(int n)
    {
        var x = new float[n, 2];
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            x[i, 0] = i % 3;
            x[i, 1] = (i % 5) - 2;
            y[i, 0] = (i % 2) == 0 ? 1 : 0;
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    private static Sequential Model()
    {
        var model = new Sequential(new Dense(1, activation: "sigmoid", inputShape: [2], kernelInitializer: new GlorotUniform(seed: 1)));
        model.Compile(new SGD(0.1), new BinaryCrossentropy(), ["accuracy"]);
        return model;
    }

    [GeneratedRegex(@"^47/47 - \d+s - \d+(s|ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$")]
    private static partial Regex RedirectedLine();

    [Fact]
    public void Fit_RedirectedWriter_ExactlyOneLinePerEpoch()
    {
        (Tensor x, Tensor y) = Data(47 * 4);
        var writer = new StringWriter();
        Model().Fit(x, y, epochs: 2, batchSize: 4, shuffle: false, validationData: Data(8), output: writer);
        string[] lines = writer.ToString().Split(Environment.NewLine);
        Assert.Equal(5, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Matches(RedirectedLine(), lines[1]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Matches(RedirectedLine(), lines[3]);
        Assert.Equal(string.Empty, lines[4]);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Fit_InteractiveWriter_RedrawsBarWithCarriageReturn()
    {
        (Tensor x, Tensor y) = Data(12);
        var writer = new StringWriter();
        var model = Model();
        // An interval of 0 draws every batch.
        model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0, callbacks: [new ProgbarLogger(writer, interactive: true, interval: 0)]);
        string text = writer.ToString();
        Assert.StartsWith("Epoch 1/1" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Equal(3, text.Count(c => c == '\r'));
        writer = new StringWriter();
        model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, output: writer, interactive: true);
        text = writer.ToString();
        Assert.StartsWith("Epoch 1/1" + Environment.NewLine + "\r1/3 [=========>....................] - ETA: ", text, StringComparison.Ordinal);
        string[] frames = text[(text.IndexOf('\r', StringComparison.Ordinal) + 1)..].Split('\r');
        Assert.Matches(@"^3/3 \[==============================\] - \d+s \d+(s|ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} *" + Regex.Escape(Environment.NewLine) + "$", frames[^1]);
        Assert.All(frames[..^1], f => Assert.Matches(@"^\d/3 \[=*>\.*\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} *$", f));
    }

    [Fact]
    public void Progbar_Formatting_MatchesKeras()
    {
        Assert.Equal("12/47 [======>.......................]", ProgbarLogger.Bar(12, 47));
        Assert.Equal(" 1/47 [..............................]", ProgbarLogger.Bar(1, 47));
        Assert.Equal("47/47 [==============================]", ProgbarLogger.Bar(47, 47));
        Assert.Equal(" 3ms/step", ProgbarLogger.FormatTimePerStep(0.0031));
        Assert.Equal(" 2s/step", ProgbarLogger.FormatTimePerStep(2.2));
        Assert.Equal(" 450us/step", ProgbarLogger.FormatTimePerStep(0.00045));
        Assert.Equal("0.4321", ProgbarLogger.FormatValue(0.43214));
        Assert.Equal("1.2340e-04", ProgbarLogger.FormatValue(0.0001234));
        Assert.Equal("5s", ProgbarLogger.FormatEta(5.9));
        Assert.Equal("1:05", ProgbarLogger.FormatEta(65));
        Assert.Equal("1:01:05", ProgbarLogger.FormatEta(3665));
    }

    [Fact]
    public void Summary_PrintsKerasTable()
    {
        Backend.ClearSession();
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: [4]), new Dense(3));
        var writer = new StringWriter();
        model.Summary(writer);
        string expected = string.Join(Environment.NewLine,
            "Model: \"sequential\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " dense (Dense)               (None, 16)                80        ",
            "                                                                 ",
            " dense_1 (Dense)             (None, 3)                 51        ",
            "                                                                 ",
            "=================================================================",
            "Total params: 131",
            "Trainable params: 131",
            "Non-trainable params: 0",
            "_________________________________________________________________",
            string.Empty);
        Assert.Equal(expected, writer.ToString());

        model.Layers[0].Trainable = false;
        writer = new StringWriter();
        model.Summary(writer);
        Assert.Contains("Trainable params: 51" + Environment.NewLine + "Non-trainable params: 80", writer.ToString(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new Sequential(new Dense(2)).Summary(new StringWriter()));
    }

    [Fact]
    public void Predict_Batched_EqualsWholeBatch_AndTrainOnBatchUpdatesMetrics()
    {
        (Tensor x, Tensor y) = Data(10);
        var model = Model();
        float[] whole = model.Apply(x).ToArray<float>();
        Tensor batched = model.Predict(x, batchSize: 3);
        Assert.Equal(new Shape(10, 1), batched.Shape);
        float[] parts = batched.ToArray<float>();
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], parts[i], 1e-6f);
        }

        double before = model.Evaluate(x, y, batchSize: 4);
        double loss = model.TrainOnBatch(x, y);
        Assert.Equal(before, loss, 1e-5);
        Dictionary<string, double> results = model.GetMetricsResult();
        Assert.Equal(["loss", "accuracy"], results.Keys);
        Assert.Equal(loss, results["loss"], 12);
        Assert.Equal(1, model.Optimizer!.Iterations);
        Assert.True(model.Evaluate(x, y) < before);
    }
}
