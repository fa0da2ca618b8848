using Nabla.Keras;
using Nabla.Keras.Initializers;

namespace Nabla.Onnx.Tests.Export;

/// <summary>Keras models (the Digits sample's MLP and CNN) exported, run in ONNX Runtime and reloaded by Nabla.</summary>
// Keras layer names come from process-wide counters that Backend.ClearSession resets: the classes that build
// Keras models run one at a time, or a reset in one could give two layers of the other the same name.
[Collection(KerasModelsGroup.Name)]
public sealed class KerasExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nabla-onnx-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Sequential DigitsMlp()
    {
        Backend.ClearSession();
        return new Sequential(
            new Dense(64, "relu", inputShape: [64], kernelInitializer: new GlorotUniform(seed: 7)),
            new Dense(10, "softmax", kernelInitializer: new GlorotUniform(seed: 8)));
    }

    private static Sequential DigitsCnn()
    {
        Backend.ClearSession();
        Tf.Random.SetSeed(11);
        return new Sequential(
            new Conv2D(16, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            new MaxPooling2D(),
            new Conv2D(32, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(),
            new Flatten(),
            new Dense(10, "softmax"));
    }

    private static Tensor Images(int count, int[] shape, int seed)
    {
        var random = new Random(seed);
        int size = count * shape.Aggregate(1, (a, b) => a * b);
        return Tf.Constant([.. Enumerable.Range(0, size).Select(_ => (float)random.NextDouble())], new Shape([count, .. shape]));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float[] e = expected.ToArray<float>(), a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"element {i}: expected {e[i]}, got {a[i]}");
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Export_DigitsModel_OnnxRuntimeAndReloadPredictAsNabla(string which)
    {
        Model model = which == "mlp" ? DigitsMlp() : DigitsCnn();
        int[] shape = which == "mlp" ? [64] : [8, 8, 1];
        string path = Path.Combine(_folder, which + ".onnx");
        OnnxExporter.Export(model, path);

        OnnxModel reloaded = OnnxModel.Load(path);
        Assert.Equal("Nabla", reloaded.ProducerName);
        Assert.Null(reloaded.InputSpecs[0].Shape.Dimension(0));   // the batch is symbolic
        Assert.Contains(which == "mlp" ? "dense/kernel" : "conv2d/kernel", reloaded.Initializers.Keys);

        // Batch sizes other than the one traced: the batch dimension is dynamic in the file.
        foreach (int batch in new[] { 1, 5 })
        {
            Tensor x = Images(batch, shape, seed: batch);
            Tensor expected = model.Predict(x);
            AssertClose(expected, OrtRunner.Run(path, x)[0], 1e-5);
            AssertClose(expected, reloaded.Call(x)[0], 1e-5);
        }
    }

    [OnnxCheckerFact]
    public void Export_DigitsModels_PassOnnxChecker()
    {
        foreach ((string name, Model model) in new (string, Model)[] { ("mlp", DigitsMlp()), ("cnn", DigitsCnn()) })
        {
            string path = Path.Combine(_folder, name + ".onnx");
            OnnxExporter.Export(model, path);
            (int exitCode, string output) = OrtRunner.Check(path);
            Assert.True(exitCode == 0, $"onnx.checker rejected {name}: {output}");
        }
    }

    [Fact]
    public void Export_UnknownInputShape_ThrowsNamingTheModel()
    {
        var model = new Sequential(new Dense(3));
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, Path.Combine(_folder, "x.onnx")));
        Assert.Contains("input shape", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    /// <summary>Recurrent Keras models: stacked LSTM/GRU/SimpleRNN layers, a masked one, and a bidirectional LSTM.</summary>
    private static Sequential Recurrent(string which)
    {
        Backend.ClearSession();
        Tf.Random.SetSeed(17);
        return which switch
        {
            "stacked" => new Sequential(
                new LSTM(8, returnSequences: true, inputShape: [6, 3]), new GRU(5, returnSequences: true), new SimpleRNN(4), new Dense(2)),
            "masked" => new Sequential(new Masking(0, inputShape: [6, 3]), new LSTM(6, returnSequences: true), new GRU(4, resetAfter: false), new Dense(2)),
            _ => new Sequential(new Bidirectional(new LSTM(5), inputShape: [6, 3]), new Dense(2)),
        };
    }

    [Theory]
    [InlineData("stacked")]
    [InlineData("masked")]
    [InlineData("bidirectional")]
    public void Export_RecurrentModel_OnnxRuntimeAndReloadPredictAsNabla(string which)
    {
        Model model = Recurrent(which);
        string path = Path.Combine(_folder, which + ".onnx");
        OnnxExporter.Export(model, path);
        OnnxModel reloaded = OnnxModel.Load(path);
        foreach (int batch in new[] { 1, 4 })
        {
            Tensor x = Images(batch, [6, 3], seed: 20 + batch);
            if (which == "masked")
            {
                // Whole time steps of zeros, not only at the end: Masking hides them and the layers keep their states.
                float[] values = x.ToArray<float>();
                for (int b = 0; b < batch; b++)
                {
                    foreach (int t in new[] { 1, 4, 5 })
                    {
                        Array.Clear(values, ((b * 6) + t) * 3, 3);
                    }
                }

                x = Tf.Constant(values, x.Shape);
            }

            Tensor expected = model.Predict(x);
            AssertClose(expected, OrtRunner.Run(path, x)[0], 1e-5);
            AssertClose(expected, reloaded.Call(x)[0], 1e-5);
        }

        if (OrtRunner.CheckerAvailable)
        {
            (int exitCode, string output) = OrtRunner.Check(path);
            Assert.True(exitCode == 0, $"onnx.checker rejected {which}: {output}");
        }
    }
}
