using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary><c>model.Save("m.keras")</c> and <c>Keras.Models.LoadModel</c>: Sequential, functional and registered subclassed models.</summary>
public sealed class KerasModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-keras-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static Sequential Classifier(int seed)
    {
        Tf.Random.SetSeed(seed);
        var model = new Sequential(
            new Dense(8, "relu", inputShape: [4], kernelInitializer: new HeNormal(seed: 3)),
            new BatchNormalization(),
            new Dropout(0.25, seed: 5),
            new Dense(3, "softmax"));
        model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(), ["accuracy"]);
        return model;
    }

    private static (Tensor X, Tensor Y) Batch(int seed) =>
        (Tf.Random.Normal([16, 4], seed: seed), Tf.Constant(Enumerable.Range(0, 16).Select(i => (i * 7 + seed) % 3).ToArray()));

    private static void AssertSameWeights(Layer expected, Layer actual)
    {
        Assert.Equal(expected.Variables.Count, actual.Variables.Count);
        for (int i = 0; i < expected.Variables.Count; i++)
        {
            Assert.Equal(expected.Variables[i].Shape, actual.Variables[i].Shape);
            Assert.Equal(expected.Variables[i].ToArray<float>(), actual.Variables[i].ToArray<float>());
        }
    }

    [Fact]
    public void SaveLoad_CompiledSequential_TrainingResumesAsUninterrupted()
    {
        Sequential straight = Classifier(1);
        (Tensor x1, Tensor y1) = Batch(2);
        (Tensor x2, Tensor y2) = Batch(3);
        straight.TrainOnBatch(x1, y1);
        straight.TrainOnBatch(x2, y2);
        string path = PathOf("classifier.keras");
        straight.Save(path);

        Model loaded = Keras.Models.LoadModel(path);
        Assert.IsType<Sequential>(loaded);
        Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal(2, loaded.Optimizer!.Iterations);
        Assert.Equal(["loss", "accuracy"], loaded.Metrics.Select(m => m.Name));
        AssertSameWeights(straight, loaded);
        Assert.Equal(straight.Predict(x1).ToArray<float>(), loaded.Predict(x1).ToArray<float>());

        // Training goes on from the saved step count (Dropout's draws differ between the two models, so the bit-for-bit
        // resume is checked without it, below).
        (Tensor x3, Tensor y3) = Batch(4);
        loaded.TrainOnBatch(x3, y3);
        Assert.Equal(3, loaded.Optimizer.Iterations);
    }

    [Fact]
    public void SaveLoad_SequentialWithoutDropout_NextStepsBitIdentical()
    {
        Tf.Random.SetSeed(11);
        var straight = new Sequential(new Dense(6, "tanh", inputShape: [4]), new LayerNormalization(), new Dense(3));
        straight.Compile(new Adam(0.02), new SparseCategoricalCrossentropy(fromLogits: true));
        (Tensor x1, Tensor y1) = Batch(12);
        straight.TrainOnBatch(x1, y1);
        string path = PathOf("resume.keras");
        straight.Save(path);
        Model resumed = Keras.Models.LoadModel(path);
        for (int step = 0; step < 3; step++)
        {
            (Tensor x, Tensor y) = Batch(13 + step);
            straight.TrainOnBatch(x, y);
            resumed.TrainOnBatch(x, y);
        }

        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void SaveLoad_FunctionalWithMergeAndSharedLayers_PredictsIdentically()
    {
        Tf.Random.SetSeed(21);
        Tensor left = Keras.Input([5], name: "left");
        Tensor right = Keras.Input([5], name: "right");
        var shared = new Dense(6, "relu", name: "shared");
        Tensor a = shared.Apply(left);
        Tensor b = shared.Apply(right);
        Tensor sum = new Add().Apply([a, b]);
        Tensor joined = new Concatenate().Apply([sum, new Multiply().Apply([a, b])]);
        Tensor output = new Dense(2, name: "head").Apply(joined);
        var model = new Model([left, right], [output], name: "siamese");
        model.Compile(new SGD(0.1, momentum: 0.9), new MeanSquaredError());
        Tensor xl = Tf.Random.Normal([7, 5], seed: 22), xr = Tf.Random.Normal([7, 5], seed: 23), y = Tf.Random.Normal([7, 2], seed: 24);
        Tensor[] x = [xl, xr];
        model.Fit(x, y, batchSize: 7, verbose: 0, shuffle: false);
        string path = PathOf("siamese.keras");
        model.Save(path);

        Model loaded = Keras.Models.LoadModel(path);
        Assert.Equal("siamese", loaded.Name);
        Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
        AssertSameWeights(model, loaded);
        Assert.Equal(model.Predict(x)[0].ToArray<float>(), loaded.Predict(x)[0].ToArray<float>());
        Assert.IsType<SGD>(loaded.Optimizer);
        Assert.Equal(0.9, ((SGD)loaded.Optimizer!).Momentum);
        model.Fit(x, y, batchSize: 7, verbose: 0, shuffle: false);
        loaded.Fit(x, y, batchSize: 7, verbose: 0, shuffle: false);
        AssertSameWeights(model, loaded);   // the momentum slots came back
    }

    [Fact]
    public void SaveLoad_Cnn_PredictsIdentically()
    {
        Tf.Random.SetSeed(31);
        var model = new Sequential(
            new Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            new MaxPooling2D([2, 2]),
            new Conv2D(6, [3, 3]),
            new GlobalAveragePooling2D(),
            new Dense(3));
        string path = PathOf("cnn.keras");
        model.Save(path);
        Model loaded = Keras.Models.LoadModel(path);
        Tensor x = Tf.Random.Normal([2, 8, 8, 1], seed: 32);
        AssertSameWeights(model, loaded);
        Assert.Equal(model.Predict(x).ToArray<float>(), loaded.Predict(x).ToArray<float>());
        Assert.Null(loaded.Optimizer);
    }

    /// <summary>A subclassed model with a config of its own, registered as Keras's <c>@register_keras_serializable</c> does.</summary>
    private sealed class TwoTower : Model
    {
        private readonly Dense _hidden;
        private readonly Dense _output;

        public TwoTower(int units, string? name = null)
            : base(name)
        {
            Units = units;
            _hidden = new Dense(units, "gelu");
            _output = new Dense(1);
        }

        public int Units { get; }

        public override Tensor Call(Tensor inputs, bool training = false) => _output.Apply(_hidden.Apply(inputs) + inputs[.., ..1]);

        public override JsonObject GetConfig()
        {
            JsonObject config = BaseConfig();
            config["units"] = Units;
            return config;
        }
    }

    [Fact]
    public void SaveLoad_RegisteredSubclassedModel_RebuiltFromItsConfig()
    {
        string registered = Keras.Saving.RegisterKerasSerializable(c => new TwoTower(c["units"]!.GetValue<int>(), c["name"]?.GetValue<string>()), "NablaTests");
        Assert.Equal("NablaTests>TwoTower", registered);
        Tf.Random.SetSeed(41);
        var model = new TwoTower(5);
        Tensor x = Tf.Random.Normal([3, 4], seed: 42);
        Tensor expected = model.Apply(x);
        string path = PathOf("tower.keras");
        model.Save(path);
        Model loaded = Keras.Models.LoadModel(path);
        Assert.IsType<TwoTower>(loaded);
        Assert.Equal(5, ((TwoTower)loaded).Units);
        AssertSameWeights(model, loaded);
        Assert.Equal(expected.ToArray<float>(), loaded.Apply(x).ToArray<float>());
    }

    private sealed class Unregistered : Model
    {
        private readonly Dense _dense = new(2);

        public override Tensor Call(Tensor inputs, bool training = false) => _dense.Apply(inputs);
    }

    [Fact]
    public void Save_UnregisteredSubclass_RefusesNamingTheClassAndWritesNothing()
    {
        var model = new Unregistered();
        model.Apply(Tf.Zeros([1, 3]));
        string path = PathOf("nothing.keras");
        var error = Assert.Throws<NotSupportedException>(() => model.Save(path));
        Assert.Contains("Unregistered", error.Message, StringComparison.Ordinal);
        Assert.Contains("RegisterKerasSerializable", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Save_NameWithoutKerasExtension_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Classifier(51).Save(PathOf("model.h5")));
        Assert.Contains(".keras", error.Message, StringComparison.Ordinal);
    }

    [H5pyFact]
    public void Save_Sequential_ArchiveAndConfigAsKeras3Writes()
    {
        Sequential model = Classifier(61);
        (Tensor x, Tensor y) = Batch(62);
        model.TrainOnBatch(x, y);
        string path = PathOf("layout.keras");
        model.Save(path);
        JsonElement dump = H5py.DumpZip(path);

        Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], dump.GetProperty("members").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("3.", dump.GetProperty("metadata").GetProperty("keras_version").GetString(), StringComparison.Ordinal);
        JsonElement config = dump.GetProperty("config");
        Assert.Equal("Sequential", config.GetProperty("class_name").GetString());
        JsonElement[] layers = [.. config.GetProperty("config").GetProperty("layers").EnumerateArray()];
        Assert.Equal(["InputLayer", "Dense", "BatchNormalization", "Dropout", "Dense"], layers.Select(l => l.GetProperty("class_name").GetString()));
        Assert.Equal("[null,4]", layers[0].GetProperty("config").GetProperty("batch_shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        JsonElement dense = layers[1];
        Assert.Equal("keras.layers", dense.GetProperty("module").GetString());
        Assert.Equal(JsonValueKind.Null, dense.GetProperty("registered_name").ValueKind);
        Assert.Equal(8, dense.GetProperty("config").GetProperty("units").GetInt32());
        Assert.Equal("relu", dense.GetProperty("config").GetProperty("activation").GetString());
        Assert.Equal("HeNormal", dense.GetProperty("config").GetProperty("kernel_initializer").GetProperty("class_name").GetString());
        Assert.Equal(3, dense.GetProperty("config").GetProperty("kernel_initializer").GetProperty("config").GetProperty("seed").GetInt32());
        Assert.Equal("float32", dense.GetProperty("config").GetProperty("dtype").GetProperty("config").GetProperty("name").GetString());
        Assert.Equal("[null,4]", dense.GetProperty("build_config").GetProperty("input_shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("softmax", layers[4].GetProperty("config").GetProperty("activation").GetString());
        JsonElement compile = config.GetProperty("compile_config");
        Assert.Equal("Adam", compile.GetProperty("optimizer").GetProperty("class_name").GetString());
        Assert.Equal(0.01, compile.GetProperty("optimizer").GetProperty("config").GetProperty("learning_rate").GetDouble());
        Assert.Equal("SparseCategoricalCrossentropy", compile.GetProperty("loss").GetProperty("class_name").GetString());
        Assert.Equal(["accuracy"], compile.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));

        var weights = dump.GetProperty("weights").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e);
        Assert.Equal("<f4", weights["layers/dense/vars/0"].GetProperty("dtype").GetString());
        Assert.Equal("[4,8]", weights["layers/dense/vars/0"].GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Contains("layers/dropout/vars", weights.Keys);
        Assert.Equal(1.0, weights["optimizer/vars/0"].GetProperty("values")[0].GetDouble());
    }

    // Keras 3's saving_lib writes the state of what has save_own_variables (layers, the optimizer); its metrics have
    // none, so a .keras file holds no metric state and a loaded model's metrics start from zero. Nabla does the same.
    [H5pyFact]
    public void SaveLoad_MetricState_IsNotSaved_AndTheLoadedMetricsStartAfresh_AsKeras3()
    {
        Sequential model = Classifier(71);
        (Tensor x1, Tensor y1) = Batch(72);
        (Tensor x2, Tensor y2) = Batch(73);
        model.TrainOnBatch(x1, y1);
        model.TrainOnBatch(x2, y2, resetMetrics: false);
        Assert.All(model.GetMetricsResult().Values, value => Assert.NotEqual(0, value));
        string path = PathOf("metrics.keras");
        model.Save(path);

        string[] paths = [.. H5py.DumpZip(path).GetProperty("weights").EnumerateArray().Select(e => e.GetProperty("path").GetString()!)];
        Assert.All(paths, p => Assert.True(p is "/" or "vars" || p.StartsWith("layers", StringComparison.Ordinal) || p.StartsWith("optimizer", StringComparison.Ordinal), p));
        Assert.DoesNotContain(paths, p => p.Contains("metric", StringComparison.Ordinal) || p.Contains("tracker", StringComparison.Ordinal));

        Model loaded = Keras.Models.LoadModel(path);
        Assert.Equal(["loss", "accuracy"], loaded.GetMetricsResult().Keys);
        Assert.All(loaded.GetMetricsResult().Values, value => Assert.Equal(0, value));

        // Accumulating from there covers the new batch only.
        (Tensor x3, Tensor y3) = Batch(74);
        double batchLoss = loaded.TrainOnBatch(x3, y3, resetMetrics: false);
        Assert.Equal(batchLoss, loaded.GetMetricsResult()["loss"], 12);
    }

    [H5pyFact]
    public void LoadModel_ArchiveInKeras3sOwnForm_Loads()
    {
        // config.json as Keras 3 writes a Functional model (dtype policies, __keras_tensor__ arguments), weights written by h5py.
        const string config = """
        {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": true,
         "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 2, "activation": "linear", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "dense",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]}],
         "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]},
         "registered_name": "Functional", "build_config": {"input_shape": null},
         "compile_config": {"optimizer": "rmsprop", "loss": "mean_squared_error", "loss_weights": null, "metrics": null, "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false}}
        """;
        string h5 = PathOf("model.weights.h5");
        H5py.Write(h5, new
        {
            groups = new Dictionary<string, object> { ["vars"] = new { }, ["layers/input_layer/vars"] = new { } },
            datasets = new Dictionary<string, object>
            {
                ["layers/dense/vars/0"] = new { dtype = "float32", shape = new[] { 3, 2 }, values = new float[] { 1, 2, 3, 4, 5, 6 } },
                ["layers/dense/vars/1"] = new { dtype = "float32", shape = new[] { 2 }, values = new float[] { 0.5f, -0.5f } },
            },
        });
        string path = PathOf("from-keras.keras");
        using (var archive = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (Stream entry = archive.CreateEntry("model.weights.h5").Open())
            {
                entry.Write(File.ReadAllBytes(h5));
            }

            using (var writer = new StreamWriter(archive.CreateEntry("config.json").Open()))
            {
                writer.Write(config);
            }

            using (var writer = new StreamWriter(archive.CreateEntry("metadata.json").Open()))
            {
                writer.Write("""{"keras_version": "3.5.0", "date_saved": "2024-08-01@12:00:00"}""");
            }
        }

        Model model = Keras.Models.LoadModel(path);
        Assert.IsType<RMSprop>(model.Optimizer);
        Tensor y = model.Predict(Tf.Constant(new float[,] { { 1, 0, 0 }, { 0, 1, 1 } }));
        Assert.Equal([1.5f, 1.5f, 8.5f, 9.5f], y.ToArray<float>());   // x · kernel + bias by hand
    }
}
