using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary>
/// Every public layer class of Nabla.Keras goes through a <c>.keras</c> file: saved in a small functional model, loaded
/// back as the same class with the same config and weights, predicting the same values. A new layer class fails
/// <see cref="EveryPublicLayerClass_HasARoundTripCase"/> until it has a case here (and a config and factory).
/// </summary>
public sealed class EveryLayerRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-every-layer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // One model per layer class: the inputs' shapes (one sample) and the layer applied to Keras tensors of those shapes.
    private static readonly Dictionary<Type, (int[][] Shapes, Func<Tensor[], Tensor> Apply)> s_cases = new()
    {
        [typeof(Dense)] = (Shapes([4]), x => new Dense(3, "relu", kernelRegularizer: new Regularizers.L2(0.01)).Apply(x[0])),
        [typeof(Activation)] = (Shapes([4]), x => new Activation("tanh").Apply(x[0])),
        [typeof(Flatten)] = (Shapes([2, 3]), x => new Flatten().Apply(x[0])),
        [typeof(Reshape)] = (Shapes([4]), x => new Reshape([2, 2]).Apply(x[0])),
        [typeof(Dropout)] = (Shapes([4]), x => new Dropout(0.3, seed: 2).Apply(x[0])),
        [typeof(SpatialDropout1D)] = (Shapes([5, 3]), x => new SpatialDropout1D(0.2, seed: 3).Apply(x[0])),
        [typeof(SpatialDropout2D)] = (Shapes([4, 4, 2]), x => new SpatialDropout2D(0.2).Apply(x[0])),
        [typeof(GaussianNoise)] = (Shapes([4]), x => new GaussianNoise(0.1, seed: 4).Apply(x[0])),
        [typeof(Embedding)] = ([[5]], x => new Embedding(10, 3, activityRegularizer: new L2(0.01)).Apply(x[0])),
        [typeof(BatchNormalization)] = (Shapes([4]), x => new BatchNormalization(momentum: 0.9).Apply(x[0])),
        [typeof(LayerNormalization)] = (Shapes([4]), x => new LayerNormalization(epsilon: 1e-5).Apply(x[0])),
        [typeof(Conv1D)] = (Shapes([6, 3]), x => new Conv1D(4, 3, padding: "causal", dilationRate: 2, activation: "relu", activityRegularizer: new L1(0.01)).Apply(x[0])),
        [typeof(Conv2D)] = (Shapes([6, 6, 3]), x => new Conv2D(4, [3, 3], [2, 1], "same", activityRegularizer: new L2(0.01)).Apply(x[0])),
        [typeof(Conv2DTranspose)] = (Shapes([4, 4, 3]), x => new Conv2DTranspose(2, [3, 3], [2, 2], "same", outputPadding: [1, 1]).Apply(x[0])),
        [typeof(DepthwiseConv2D)] = (Shapes([5, 5, 3]), x => new DepthwiseConv2D([3, 3], depthMultiplier: 2, activation: "relu").Apply(x[0])),
        [typeof(SeparableConv2D)] = (Shapes([5, 5, 3]), x => new SeparableConv2D(4, [3, 3], padding: "same", depthMultiplier: 2).Apply(x[0])),
        [typeof(MaxPooling1D)] = (Shapes([6, 3]), x => new MaxPooling1D(2).Apply(x[0])),
        [typeof(AveragePooling1D)] = (Shapes([6, 3]), x => new AveragePooling1D(3, 1, "same").Apply(x[0])),
        [typeof(MaxPooling2D)] = (Shapes([6, 6, 2]), x => new MaxPooling2D([2, 2]).Apply(x[0])),
        [typeof(AveragePooling2D)] = (Shapes([6, 6, 2]), x => new AveragePooling2D([3, 3], [1, 1], "same").Apply(x[0])),
        [typeof(GlobalAveragePooling1D)] = (Shapes([6, 3]), x => new GlobalAveragePooling1D().Apply(x[0])),
        [typeof(GlobalMaxPooling1D)] = (Shapes([6, 3]), x => new GlobalMaxPooling1D(keepDims: true).Apply(x[0])),
        [typeof(GlobalAveragePooling2D)] = (Shapes([4, 4, 2]), x => new GlobalAveragePooling2D().Apply(x[0])),
        [typeof(GlobalMaxPooling2D)] = (Shapes([4, 4, 2]), x => new GlobalMaxPooling2D().Apply(x[0])),
        [typeof(UpSampling2D)] = (Shapes([3, 3, 2]), x => new UpSampling2D([2, 1], "bilinear").Apply(x[0])),
        [typeof(ZeroPadding2D)] = (Shapes([3, 3, 2]), x => new ZeroPadding2D(new[,] { { 1, 0 }, { 2, 1 } }).Apply(x[0])),
        [typeof(Cropping2D)] = (Shapes([5, 5, 2]), x => new Cropping2D(new[,] { { 1, 0 }, { 0, 2 } }).Apply(x[0])),
        [typeof(Masking)] = (Shapes([5, 3]), x => new LSTM(2).Apply(new Masking(0.5).Apply(x[0]))),
        [typeof(ReLU)] = (Shapes([4]), x => new ReLU(1.2, 0.1, 0.05).Apply(x[0])),
        [typeof(LeakyReLU)] = (Shapes([4]), x => new LeakyReLU(0.2).Apply(x[0])),
        [typeof(ELU)] = (Shapes([4]), x => new ELU(0.5).Apply(x[0])),
        [typeof(Softmax)] = (Shapes([2, 4]), x => new Softmax(1).Apply(x[0])),
        [typeof(PReLU)] = (Shapes([3, 4]), x => new PReLU(sharedAxes: [1]).Apply(x[0])),
        [typeof(Rescaling)] = (Shapes([4]), x => new Rescaling(Tf.Constant(new[] { 0.5f, 2f, 1f, 3f }, new Shape(4)), Tf.Constant(new[] { 0.25f }, new Shape(1))).Apply(x[0])),
        [typeof(Normalization)] = (Shapes([4]), x => new Normalization().Apply(x[0])),
        [typeof(SimpleRNN)] = (Shapes([5, 3]), x => new SimpleRNN(4, "relu", returnSequences: true, goBackwards: true).Apply(x[0])),
        [typeof(LSTM)] = (Shapes([5, 3]), x => new LSTM(4, unitForgetBias: false).Apply(x[0])),
        [typeof(GRU)] = (Shapes([5, 3]), x => new GRU(4, resetAfter: false, returnSequences: true).Apply(x[0])),
        [typeof(Bidirectional)] = (Shapes([5, 3]), x => new Bidirectional(new LSTM(3, returnSequences: true), "sum").Apply(x[0])),
        [typeof(TimeDistributed)] = (Shapes([5, 3]), x => new TimeDistributed(new Dense(2, "sigmoid")).Apply(x[0])),
        [typeof(EinsumDense)] = (Shapes([5, 3]), x => new EinsumDense("abc,cd->abd", [null, 4], biasAxes: "d").Apply(x[0])),
        [typeof(MultiHeadAttention)] = (Shapes([5, 4], [3, 4]), x => new MultiHeadAttention(2, 3, valueDim: 2).Apply(x[0], x[1], useCausalMask: true)),
        [typeof(Attention)] = (Shapes([3, 4], [5, 4]), x => new Attention(useScale: true, scoreMode: "concat").Apply([x[0], x[1]], useCausalMask: true)),
        [typeof(Concatenate)] = (Shapes([4], [2]), x => new Concatenate().Apply(x)),
        [typeof(Dot)] = (Shapes([4], [4]), x => new Dot([1, 1], normalize: true).Apply(x)),
        [typeof(Add)] = (Shapes([4], [4]), x => new Add().Apply(x)),
        [typeof(Subtract)] = (Shapes([4], [4]), x => new Subtract().Apply(x)),
        [typeof(Multiply)] = (Shapes([4], [4]), x => new Multiply().Apply(x)),
        [typeof(Average)] = (Shapes([4], [4]), x => new Average().Apply(x)),
        [typeof(Maximum)] = (Shapes([4], [4]), x => new Maximum().Apply(x)),
        [typeof(Minimum)] = (Shapes([4], [4]), x => new Minimum().Apply(x)),
    };

    public static TheoryData<string> LayerClasses => [.. s_cases.Keys.Select(t => t.Name).Order(StringComparer.Ordinal)];

    private static int[][] Shapes(params int[][] shapes) => shapes;

    [Fact]
    public void EveryPublicLayerClass_HasARoundTripCase()
    {
        Type[] layers = [.. typeof(Layer).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract && !typeof(Model).IsAssignableFrom(t) && t != typeof(InputLayer))];
        Assert.Empty(layers.Where(t => !s_cases.ContainsKey(t)).Select(t => t.Name));
        Assert.True(layers.Length >= 50, $"only {layers.Length} layer classes found");
    }

    [Theory]
    [MemberData(nameof(LayerClasses))]
    public void SaveLoad_ModelWithTheLayer_SameClassConfigWeightsAndPredictions(string className)
    {
        Type type = s_cases.Keys.Single(t => t.Name == className);
        (int[][] shapes, Func<Tensor[], Tensor> apply) = s_cases[type];
        Tf.Random.SetSeed(7);
        bool indices = type == typeof(Embedding);
        Tensor[] inputs = [.. shapes.Select((s, i) => Keras.Input([.. s.Select(d => (int?)d)], indices ? DType.Int32 : null, $"input_{i}"))];
        var model = new Model(inputs, [apply(inputs)]);
        Randomize(model);
        Tensor[] x = [.. shapes.Select((s, i) => indices
            ? Tf.Cast(Tf.Random.Uniform([2, .. s], 0, 10, seed: 20 + i), DType.Int32)
            : Tf.Random.Normal([2, .. s], seed: 20 + i))];

        string path = Path.Combine(_directory, $"{className}.keras");
        model.Save(path);
        Model loaded = Keras.Models.LoadModel(path);

        Layer original = model.Layers.Single(l => l.GetType() == type);
        Layer restored = Assert.Single(loaded.Layers, l => l.GetType() == type);
        Assert.Equal(original.GetConfig().ToJsonString(), restored.GetConfig().ToJsonString());
        Assert.Equal(original.ActivityRegularizer?.GetType(), restored.ActivityRegularizer?.GetType()); // a config can drop it on both sides
        Assert.Equal(model.Variables.Count, loaded.Variables.Count);
        for (int i = 0; i < model.Variables.Count; i++)
        {
            Assert.Equal(model.Variables[i].Shape, loaded.Variables[i].Shape);
            Assert.Equal(Values(model.Variables[i]), Values(loaded.Variables[i]));
        }

        Assert.Equal(model.Predict(x)[0].ToArray<float>(), loaded.Predict(x)[0].ToArray<float>());
    }

    [H5pyFact]
    public void RecurrentAndAttentionWeights_SitWhereKeras3PutsThem()
    {
        Tensor sequence = Keras.Input([5, 4], name: "sequence");
        Tensor attended = new MultiHeadAttention(2, 3).Apply(sequence, sequence);
        Tensor steps = new TimeDistributed(new Dense(2)).Apply(attended);
        Tensor output = new Bidirectional(new LSTM(3)).Apply(steps);
        var model = new Model(sequence, output);
        string path = Path.Combine(_directory, "sequence.keras");
        model.Save(path);

        JsonElement dump = H5py.DumpZip(path);
        string[] datasets = [.. dump.GetProperty("weights").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "dataset").Select(e => e.GetProperty("path").GetString()!).Order(StringComparer.Ordinal)];
        string[] expected =
        [
            .. new[] { "backward_layer", "forward_layer" }.SelectMany(d => Enumerable.Range(0, 3).Select(i => $"layers/bidirectional/{d}/cell/vars/{i}")),
            .. new[] { "_key_dense", "_output_dense", "_query_dense", "_value_dense" }
                .SelectMany(d => Enumerable.Range(0, 2).Select(i => $"layers/multi_head_attention/{d}/vars/{i}")),
            "layers/time_distributed/layer/vars/0", "layers/time_distributed/layer/vars/1",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), datasets);

        JsonNode config = JsonNode.Parse(dump.GetProperty("config").GetRawText())!;
        JsonArray layers = config["config"]!["layers"]!.AsArray();
        JsonObject mha = layers.Single(l => l!["class_name"]!.GetValue<string>() == "MultiHeadAttention")!.AsObject();
        Assert.Equal("[null,5,4]", mha["build_config"]!["shapes_dict"]!["query_shape"]!.ToJsonString());
        Assert.Equal(2, mha["inbound_nodes"]![0]!["args"]!.AsArray().Count);
        JsonObject bidirectional = layers.Single(l => l!["class_name"]!.GetValue<string>() == "Bidirectional")!["config"]!.AsObject();
        Assert.Equal("LSTM", bidirectional["layer"]!["class_name"]!.GetValue<string>());
        Assert.True(bidirectional["backward_layer"]!["config"]!["go_backwards"]!.GetValue<bool>());
    }

    [Fact]
    public void Save_MultiHeadAttentionWithAnExplicitMask_ThrowsNamingTheLayer()
    {
        Tensor sequence = Keras.Input([4, 3], name: "tokens");
        var mha = new MultiHeadAttention(1, 2, name: "masked_attention");
        Tensor output = mha.Apply(sequence, sequence, attentionMask: Tf.Ones([1, 4, 4], DType.Bool));
        var model = new Model(sequence, output);
        var error = Assert.Throws<NotSupportedException>(() => model.Save(Path.Combine(_directory, "masked.keras")));
        Assert.Contains("masked_attention", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("recurrent_dropout", "0.25", "recurrent dropout")]
    [InlineData("units", "\"four\"", "'units'")]
    public void LoadModel_RecurrentConfigNablaCannotHonour_ThrowsNamingTheEntry(string key, string value, string expected)
    {
        Tensor sequence = Keras.Input([5, 3], name: "sequence");
        var model = new Model(sequence, new GRU(2, name: "gru_to_break").Apply(sequence));
        string path = Path.Combine(_directory, "broken.keras");
        model.Save(path);
        using (ZipArchive archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            ZipArchiveEntry entry = archive.GetEntry("config.json")!;
            JsonNode config;
            using (Stream stream = entry.Open())
            {
                config = JsonNode.Parse(stream)!;
            }

            config["config"]!["layers"]!.AsArray().Single(l => l!["class_name"]!.GetValue<string>() == "GRU")!["config"]![key] = JsonNode.Parse(value);
            entry.Delete();
            using Stream rewritten = archive.CreateEntry("config.json").Open();
            rewritten.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()));
        }

        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("gru_to_break", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // Weights away from their initial values (zeros, ones), so that a weight not restored shows in the predictions.
    private static void Randomize(Model model)
    {
        int seed = 100;
        foreach (Variable variable in model.Variables.Where(v => v.DType == DType.Float32))
        {
            variable.Assign(Tf.Random.Uniform(variable.Shape, 0.5, 1.5, DType.Float32, seed++));
        }
    }

    private static double[] Values(Variable variable) => Tf.Cast(variable.ReadValue(), DType.Float64).ToArray<double>();
}
