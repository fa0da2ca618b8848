using Nabla;
using Nabla.Keras;
using Nabla.Keras.Saving;

namespace FirstHour;

/// <summary>
/// <c>model2.load_weights(path)</c> on a second model built the same way in the same process, as Keras 3 allows: weights
/// are matched by the model's structure, not by the names layers got automatically (<c>dense_2</c> against <c>dense</c>).
/// </summary>
public sealed class LoadWeightsTests : IDisposable
{
    private static readonly double[,] s_x = { { 1, -2, 3 }, { 0.5, 0.25, -1 } };
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-first-hour-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static Sequential BuildModel() => new(new Dense(4, "relu", inputShape: [3]), new Dense(2));

    [Fact]
    public void LoadWeights_SecondIdenticalModelInTheSameProcess_PredictsTheSame()
    {
        var model = BuildModel();
        string path = PathOf("model.weights.safetensors");
        model.SaveWeights(path);

        var model2 = BuildModel();
        Assert.NotEqual(model.Layers[0].Name, model2.Layers[0].Name);
        Assert.NotEqual(model.Predict(s_x).ToArray<float>(), model2.Predict(s_x).ToArray<float>());
        model2.LoadWeights(path);
        Assert.Equal(model.Predict(s_x).ToArray<float>(), model2.Predict(s_x).ToArray<float>());
    }

    private sealed class TwoTowers : Model
    {
        private readonly Dense _left = new(3, "tanh");
        private readonly Sequential _right = new(new Dense(3, "relu"), new Dense(3));
        private readonly Dense _head = new(1);

        public override Tensor Call(Tensor inputs, bool training = false) =>
            _head.Apply(_left.Apply(inputs) + _right.Apply(inputs, training));
    }

    [Fact]
    public void LoadWeights_SubclassedModelWithNestedSequential_KeysFollowTheStructure()
    {
        var model = new TwoTowers();
        model.Apply(s_x);
        string path = PathOf("towers.safetensors");
        model.SaveWeights(path);
        Assert.Equal(
            ["dense/kernel", "dense/bias", "sequential/dense/kernel", "sequential/dense/bias", "sequential/dense_1/kernel",
             "sequential/dense_1/bias", "dense_1/kernel", "dense_1/bias"],
            SafeTensors.ReadHeader(path).Select(e => e.Name));

        var model2 = new TwoTowers();
        model2.Apply(s_x);
        model2.LoadWeights(path);
        Assert.Equal(model.Predict(s_x).ToArray<float>(), model2.Predict(s_x).ToArray<float>());
    }

    [Fact]
    public void LoadWeights_ExplicitNamesOnBothSides_MustMatch()
    {
        var encoder = new Sequential(new Dense(2, inputShape: [3], name: "encoder"));
        string path = PathOf("encoder.safetensors");
        encoder.SaveWeights(path);

        var sameName = new Sequential(new Dense(2, inputShape: [3], name: "encoder"));
        sameName.LoadWeights(path);
        Assert.Equal(encoder.Predict(s_x).ToArray<float>(), sameName.Predict(s_x).ToArray<float>());

        var unnamed = new Sequential(new Dense(2, inputShape: [3]));
        unnamed.LoadWeights(path);
        Assert.Equal(encoder.Predict(s_x).ToArray<float>(), unnamed.Predict(s_x).ToArray<float>());

        var decoder = new Sequential(new Dense(2, inputShape: [3], name: "decoder"));
        var e = Assert.Throws<ArgumentException>(() => decoder.LoadWeights(path));
        Assert.Contains("is named 'decoder', but the file's layer there was named 'encoder'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_FileKeyedByAutomaticNames_MessageSuggestsClearSession()
    {
        // A file keyed by variable names, as written before structural keys or by another tool from a model whose
        // layers were the process's third and fourth Dense.
        var model = BuildModel();
        string path = PathOf("by-name.safetensors");
        string[] names = ["dense_2/kernel", "dense_2/bias", "dense_3/kernel", "dense_3/bias"];
        SafeTensors.Save(path, [.. model.Variables.Select((v, i) => new KeyValuePair<string, Tensor>(names[i], v.ReadValue()))]);

        Backend.ClearSession();
        var fresh = BuildModel();
        var e = Assert.Throws<ArgumentException>(() => fresh.LoadWeights(path));
        Assert.Contains("Backend.ClearSession()", e.Message, StringComparison.Ordinal);
        Assert.Contains("Missing from the file: [dense/kernel, dense/bias, dense_1/kernel, dense_1/bias]", e.Message, StringComparison.Ordinal);

        // Renaming helps: the same model built after two other Dense layers gets the file's names.
        Backend.ClearSession();
        _ = new Dense(1);
        _ = new Dense(1);
        var renamed = BuildModel();
        renamed.LoadWeights(path);
        Assert.Equal(model.Predict(s_x).ToArray<float>(), renamed.Predict(s_x).ToArray<float>());
    }

    [Fact]
    public void LoadWeights_ModelNotBuiltYet_SaysToBuildIt()
    {
        string path = PathOf("built.safetensors");
        BuildModel().SaveWeights(path);
        var unbuilt = new Sequential(new Dense(4, "relu"), new Dense(2));
        var e = Assert.Throws<ArgumentException>(() => unbuilt.LoadWeights(path));
        Assert.Contains("has no variables yet", e.Message, StringComparison.Ordinal);
        Assert.Contains("inputShape", e.Message, StringComparison.Ordinal);
    }
}
