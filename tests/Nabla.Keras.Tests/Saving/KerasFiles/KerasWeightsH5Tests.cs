using System.Text.Json;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary>SaveWeights/LoadWeights with a <c>.weights.h5</c> name: Keras 3's HDF5 layout, checked with h5py; Keras 2's legacy layout on load.</summary>
public sealed class KerasWeightsH5Tests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-h5-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    internal static Sequential Mlp(int seed, int hidden = 4)
    {
        Tf.Random.SetSeed(seed);
        return new Sequential(new Dense(hidden, "relu", inputShape: [3]), new BatchNormalization(), new Dense(2));
    }

    internal static Tensor Inputs(int seed, int rows = 5) => Tf.Random.Normal([rows, 3], seed: seed);

    [Fact]
    public void SaveWeights_WeightsH5_RoundTripsIntoAFreshModel()
    {
        Sequential source = Mlp(1);
        source.Variables[^1].Assign(Tf.Constant(new float[] { 0.5f, 2, 1.5f, 0.25f }));   // BatchNormalization's moving variance (non-trainable)
        Sequential target = Mlp(2);
        string path = PathOf("mlp.weights.h5");
        source.SaveWeights(path);
        target.LoadWeights(path);
        for (int i = 0; i < source.Variables.Count; i++)
        {
            Assert.Equal(source.Variables[i].ToArray<float>(), target.Variables[i].ToArray<float>());
        }

        Tensor x = Inputs(3);
        Assert.Equal(source.Predict(x).ToArray<float>(), target.Predict(x).ToArray<float>());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [H5pyFact]
    public void SaveWeights_WeightsH5_H5pyReadsKeras3Layout()
    {
        Sequential model = Mlp(4);
        string path = PathOf("layout.weights.h5");
        model.SaveWeights(path);
        Dictionary<string, JsonElement> items = H5py.Dump(path);

        // Keras 3's saving_lib: the model's own (empty) vars, then layers/<class>[_n]/vars/<index>.
        string[] datasets = [.. items.Where(p => p.Value.GetProperty("kind").GetString() == "dataset").Select(p => p.Key).Order(StringComparer.Ordinal)];
        Assert.Equal(
            ["layers/batch_normalization/vars/0", "layers/batch_normalization/vars/1", "layers/batch_normalization/vars/2", "layers/batch_normalization/vars/3",
             "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"],
            datasets);
        Assert.Equal("group", items["vars"].GetProperty("kind").GetString());
        Assert.Equal("group", items["layers/dense/vars"].GetProperty("kind").GetString());
        AssertDataset(items["layers/dense/vars/0"], [3, 4], "<f4", model.Layers[0].Variables[0]);
        AssertDataset(items["layers/dense/vars/1"], [4], "<f4", model.Layers[0].Variables[1]);
        AssertDataset(items["layers/batch_normalization/vars/2"], [4], "<f4", model.Layers[1].Variables[2]);   // moving_mean
        AssertDataset(items["layers/dense_1/vars/0"], [4, 2], "<f4", model.Layers[2].Variables[0]);
        Assert.DoesNotContain("optimizer/vars", items.Keys);   // not compiled: no optimizer state, as Keras
    }

    [H5pyFact]
    public void SaveWeights_CompiledAdam_OptimizerStateInKerasOrder()
    {
        Sequential model = Mlp(5, hidden: 3);
        model.Compile(new Adam(0.01), new MeanSquaredError());
        model.TrainOnBatch(Inputs(6), Tf.Random.Normal([5, 2], seed: 7));
        model.TrainOnBatch(Inputs(8), Tf.Random.Normal([5, 2], seed: 9));
        string path = PathOf("adam.weights.h5");
        model.SaveWeights(path);
        Dictionary<string, JsonElement> items = H5py.Dump(path);

        IReadOnlyList<Variable> trainable = model.TrainableVariables;
        Assert.Equal(6, trainable.Count);
        JsonElement iterations = items["optimizer/vars/0"];
        Assert.Equal("<i8", iterations.GetProperty("dtype").GetString());
        Assert.Equal(0, iterations.GetProperty("shape").GetArrayLength());
        Assert.Equal(2.0, iterations.GetProperty("values")[0].GetDouble());
        Assert.Equal("<f4", items["optimizer/vars/1"].GetProperty("dtype").GetString());
        Assert.Equal(0.01f, (float)items["optimizer/vars/1"].GetProperty("values")[0].GetDouble());
        int slots = items.Keys.Count(k => k.StartsWith("optimizer/vars/", StringComparison.Ordinal));
        Assert.Equal(2 + (2 * trainable.Count), slots);
        for (int i = 0; i < trainable.Count; i++)
        {
            // All momentums, then all velocities, each shaped as its variable.
            Assert.Equal(trainable[i].Shape.ToArray(), Ints(items[$"optimizer/vars/{2 + i}"].GetProperty("shape")));
            Assert.Equal(trainable[i].Shape.ToArray(), Ints(items[$"optimizer/vars/{2 + trainable.Count + i}"].GetProperty("shape")));
        }
    }

    [Fact]
    public void LoadWeights_WeightsH5WithAdamState_TrainingResumesAsUninterrupted()
    {
        Tensor y = Tf.Random.Normal([5, 2], seed: 11);
        Sequential straight = Mlp(12);
        straight.Compile(new Adam(0.02), new MeanSquaredError());
        Sequential resumed = Mlp(13);
        resumed.Compile(new Adam(0.02), new MeanSquaredError());
        straight.TrainOnBatch(Inputs(14), y);
        straight.TrainOnBatch(Inputs(15), y);
        string path = PathOf("resume.weights.h5");
        straight.SaveWeights(path);
        resumed.LoadWeights(path);
        Assert.Equal(2, resumed.Optimizer!.Iterations);
        for (int i = 0; i < straight.Variables.Count; i++)
        {
            Assert.Equal(straight.Variables[i].ToArray<float>(), resumed.Variables[i].ToArray<float>());
        }

        Tensor next = Inputs(16);
        straight.TrainOnBatch(next, y);
        resumed.TrainOnBatch(next, y);
        for (int i = 0; i < straight.Variables.Count; i++)
        {
            Assert.Equal(straight.Variables[i].ToArray<float>(), resumed.Variables[i].ToArray<float>());
        }
    }

    [H5pyFact]
    public void LoadWeights_Keras3FileWrittenByH5py_AssignsByStructure()
    {
        var random = new Random(21);
        float[] kernel = [.. Enumerable.Range(0, 12).Select(_ => random.NextSingle())];
        float[] bias = [.. Enumerable.Range(0, 4).Select(_ => random.NextSingle())];
        var datasets = new Dictionary<string, object>
        {
            ["layers/dense/vars/0"] = new { dtype = "float32", shape = new[] { 3, 4 }, values = kernel },
            ["layers/dense/vars/1"] = new { dtype = "float32", shape = new[] { 4 }, values = bias },
            ["layers/dense_1/vars/0"] = new { dtype = "float32", shape = new[] { 4, 1 }, values = new float[] { 1, 2, 3, 4 } },
            ["layers/dense_1/vars/1"] = new { dtype = "float32", shape = new[] { 1 }, values = new float[] { -1 } },
        };
        string path = PathOf("h5py.weights.h5");
        H5py.Write(path, new { groups = new Dictionary<string, object> { ["vars"] = new { } }, datasets });
        Tf.Random.SetSeed(22);
        var model = new Sequential(new Dense(4, inputShape: [3]), new Dense(1));
        model.LoadWeights(path);
        Assert.Equal(kernel, model.Variables[0].ToArray<float>());
        Assert.Equal(bias, model.Variables[1].ToArray<float>());
        Assert.Equal([1f, 2, 3, 4], model.Variables[2].ToArray<float>());
        Assert.Equal([-1f], model.Variables[3].ToArray<float>());
    }

    [H5pyFact]
    public void LoadWeights_Keras2LegacyFileWrittenByH5py_MatchesLayersInOrder()
    {
        var random = new Random(31);
        float[] kernel = [.. Enumerable.Range(0, 6).Select(_ => random.NextSingle())];
        // Keras 2's layout: layer_names at the root, weight_names per layer group, datasets under the weights' names.
        var spec = new
        {
            attrs = new Dictionary<string, object> { ["layer_names"] = new[] { "input_1", "my_dense", "out" }, ["backend"] = "tensorflow", ["keras_version"] = "2.15.0" },
            groups = new Dictionary<string, object>
            {
                ["input_1"] = new { attrs = new Dictionary<string, object> { ["weight_names"] = Array.Empty<string>() } },
                ["my_dense"] = new { attrs = new Dictionary<string, object> { ["weight_names"] = new[] { "my_dense/kernel:0", "my_dense/bias:0" } } },
                ["out"] = new { attrs = new Dictionary<string, object> { ["weight_names"] = new[] { "out/kernel:0", "out/bias:0" } } },
            },
            datasets = new Dictionary<string, object>
            {
                ["my_dense/my_dense/kernel:0"] = new { dtype = "float32", shape = new[] { 3, 2 }, values = kernel },
                ["my_dense/my_dense/bias:0"] = new { dtype = "float32", shape = new[] { 2 }, values = new float[] { 0.5f, -0.5f } },
                ["out/out/kernel:0"] = new { dtype = "float32", shape = new[] { 2, 1 }, values = new float[] { 3, 4 } },
                ["out/out/bias:0"] = new { dtype = "float32", shape = new[] { 1 }, values = new float[] { 7 } },
            },
        };
        string path = PathOf("legacy.h5");
        H5py.Write(path, spec);
        var model = new Sequential(new Dense(2, inputShape: [3]), new Dense(1));
        model.LoadWeights(path);
        Assert.Equal(kernel, model.Variables[0].ToArray<float>());
        Assert.Equal([0.5f, -0.5f], model.Variables[1].ToArray<float>());
        Assert.Equal([3f, 4], model.Variables[2].ToArray<float>());
        Assert.Equal([7f], model.Variables[3].ToArray<float>());

        var wider = new Sequential(new Dense(5, inputShape: [3]), new Dense(1));
        List<byte[]> before = SaveWeightsTests.Snapshot(wider);
        var error = Assert.Throws<ArgumentException>(() => wider.LoadWeights(path));
        Assert.Contains("shape", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, SaveWeightsTests.Snapshot(wider));
    }

    private static void AssertDataset(JsonElement item, int[] shape, string dtype, Variable variable)
    {
        Assert.Equal(shape, Ints(item.GetProperty("shape")));
        Assert.Equal(dtype, item.GetProperty("dtype").GetString());
        Assert.Equal(variable.ToArray<float>(), item.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}
