using Nabla.Keras;
using KerasApi = Nabla.Keras.Keras;

namespace Nabla.Onnx.Tests.Export;

/// <summary>
/// The ops the repository's sample models trace to, against what the exporter writes: each model's ops that do not
/// export are listed here (and in docs/ONNX.md), so a new gap, or a gap closed, fails until both are updated; the
/// models without gaps are exported and run in ONNX Runtime.
/// </summary>
// Keras layer names come from process-wide counters that Backend.ClearSession resets: the classes that build
// Keras models run one at a time, or a reset in one could give two layers of the other the same name.
[Collection(KerasModelsGroup.Name)]
public sealed class SampleModelOpsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nabla-onnx-samples-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Each sample's model (as the sample builds it), the shape of one input sample, and the ops known not to export.
    private static readonly Dictionary<string, (Func<Model> Build, int[] Shape, string[] Gaps)> s_models = new(StringComparer.Ordinal)
    {
        ["Digits MLP"] = (() => new Sequential(new Dense(64, "relu", inputShape: [64]), new Dense(10, "softmax")), [64], []),
        ["Digits CNN"] = (() => new Sequential(
            new Conv2D(16, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]), new MaxPooling2D(),
            new Conv2D(32, 3, padding: "same", activation: "relu"), new MaxPooling2D(), new Flatten(), new Dense(10, "softmax")), [8, 8, 1], []),
        ["Co2Forecast LSTM"] = (() => new Sequential(new LSTM(32, inputShape: [12, 4]), new Dense(13)), [12, 4], []),
        ["Co2Forecast Transformer encoder"] = (TransformerEncoder, [12, 4], []),
        ["Walkthrough linear"] = (() => new Sequential(new Dense(1, inputShape: [1])), [1], []),
    };

    public static TheoryData<string> Models => [.. s_models.Keys];

    // The sample's encoder block on Keras tensors: embedding, attention with a residual, layer norms, a GELU feed-forward.
    private static Model TransformerEncoder()
    {
        Tensor input = KerasApi.Input([12, 4], name: "weeks");
        Tensor x = new Dense(32).Apply(input);
        Tensor normed = new LayerNormalization(epsilon: 1e-6).Apply(x);
        x = new Add().Apply([x, new MultiHeadAttention(4, 8, dropout: 0.1).Apply(normed, normed)]);
        Tensor y = new Dense(32).Apply(new Dense(64, activation: "gelu").Apply(new LayerNormalization(epsilon: 1e-6).Apply(x)));
        x = new Add().Apply([x, new Dropout(0.1, seed: 3).Apply(y)]);
        return new Model(input, new Dense(13).Apply(new Flatten().Apply(x)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void SampleModel_OpsNotExportable_AreTheKnownGaps(string name)
    {
        (Func<Model> build, int[] shape, string[] gaps) = s_models[name];
        Tf.Random.SetSeed(5);
        Model model = build();
        var function = Tf.Function((Tensor x) => model.Apply(x, training: false));
        ConcreteFunction concrete = function.GetConcreteFunction(new TensorSpec([2, .. shape.Select(d => (int?)d)], DType.Float32, "input"));
        string[] missing = [.. concrete.Graph.GetOperations().Select(op => op.Type).Distinct()
            .Where(op => !OnnxExporter.ExportableOps.Contains(op) && op is not ("Placeholder" or "Const" or "ReadVariableOp" or "NoOp")).Order(StringComparer.Ordinal)];
        Assert.Equal(gaps, missing);
        if (gaps.Length > 0)
        {
            return;
        }

        string path = Path.Combine(_folder, name.Replace(' ', '-') + ".onnx");
        OnnxExporter.Export(model, path);
        Tensor batch = Tf.Random.Uniform([3, .. shape], seed: 9);
        float[] expected = model.Predict(batch).ToArray<float>(), actual = OrtRunner.Run(path, batch)[0].ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"{name} element {i}: Nabla {expected[i]}, ONNX Runtime {actual[i]}");
        }
    }
}
