using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// Functional models take inputs (and targets) by name, as Keras's <c>model({"top": a, "bottom": b})</c> and
/// <c>fit({"top": a, "bottom": b}, {"digit": y1, "high": y2})</c>: the same as the lists in the model's order, whatever
/// the dictionary's order; a missing or unknown name is refused naming the expected keys.
/// </summary>
public class DictionaryInputsTests
{
    private static Model TwoHeads(int seed)
    {
        Tf.Random.SetSeed(seed);
        Tensor top = Keras.Input(shape: [3], name: "top");
        Tensor bottom = Keras.Input(shape: [2], name: "bottom");
        Tensor merged = new Concatenate().Apply([new Dense(4, activation: "relu").Apply(top), bottom]);
        Tensor digit = new Dense(3, name: "digit").Apply(merged);
        Tensor high = new Dense(1, name: "high").Apply(merged);
        return new Model([top, bottom], [digit, high]);
    }

    private static (Tensor Top, Tensor Bottom, Tensor Digit, Tensor High) Data()
    {
        var random = new Random(5);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        Tensor top = Tf.Constant(Values(40 * 3), new Shape(40, 3)), bottom = Tf.Constant(Values(40 * 2), new Shape(40, 2));
        Tensor digit = Tf.Constant(Enumerable.Range(0, 40).Select(i => i % 3).ToArray(), new Shape(40));
        return (top, bottom, digit, Tf.ReduceSum(top, 1, keepdims: true));
    }

    [Fact]
    public void Apply_ByName_EqualsTheListInTheModelsOrder()
    {
        Model model = TwoHeads(1);
        (Tensor top, Tensor bottom, _, _) = Data();
        Tensor[] byList = model.ApplyOutputs([top, bottom]);
        Tensor[] byName = model.ApplyOutputs(new Dictionary<string, Tensor> { ["bottom"] = bottom, ["top"] = top });
        Assert.Equal(byList[0].ToArray<float>(), byName[0].ToArray<float>());
        Assert.Equal(byList[1].ToArray<float>(), byName[1].ToArray<float>());

        Tensor a = Keras.Input(shape: [3], name: "a"), b = Keras.Input(shape: [3], name: "b");
        var single = new Model([a, b], [new Subtract().Apply([a, b])]);
        Tensor difference = single.Apply(new Dictionary<string, Tensor> { ["b"] = bottom[.., ..1] * Tf.Ones([40, 3]), ["a"] = top });
        Assert.Equal((top - (bottom[.., ..1] * Tf.Ones([40, 3]))).ToArray<float>(), difference.ToArray<float>());
    }

    [Fact]
    public void Fit_ByName_TrainsAsTheLists_AndEvaluatesAndPredicts()
    {
        (Tensor top, Tensor bottom, Tensor digit, Tensor high) = Data();
        Model byList = TwoHeads(2), byName = TwoHeads(2);
        foreach (Model m in new[] { byList, byName })
        {
            m.Compile(new SGD(0.1), [new SparseCategoricalCrossentropy(fromLogits: true), new MeanSquaredError()]);
        }

        History listed = byList.Fit([top, bottom], [digit, high], epochs: 3, batchSize: 8, verbose: 0, seed: 3);
        History named = byName.Fit(new Dictionary<string, Tensor> { ["bottom"] = bottom, ["top"] = top },
            new Dictionary<string, Tensor> { ["high"] = high, ["digit"] = digit }, epochs: 3, batchSize: 8, verbose: 0, seed: 3);
        Assert.Equal(listed.History.Keys, named.History.Keys);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(listed.Loss[e], named.Loss[e], 6);
            Assert.Equal(listed.History["high_loss"][e], named.History["high_loss"][e], 6);
        }

        Assert.True(named.Loss[^1] < named.Loss[0]);
        var inputs = new Dictionary<string, Tensor> { ["top"] = top, ["bottom"] = bottom };
        Assert.Equal(byList.Predict([top, bottom])[1].ToArray<float>(), byName.Predict(inputs)[1].ToArray<float>());
    }

    [Fact]
    public void Fit_ByNameWithOneTarget_AndEvaluate()
    {
        (Tensor top, Tensor bottom, _, Tensor high) = Data();
        Tf.Random.SetSeed(4);
        Tensor a = Keras.Input(shape: [3], name: "a"), b = Keras.Input(shape: [2], name: "b");
        var model = new Model([a, b], [new Dense(1).Apply(new Concatenate().Apply([a, b]))]);
        model.Compile(new SGD(0.1), new MeanSquaredError());
        var x = new Dictionary<string, Tensor> { ["b"] = bottom, ["a"] = top };
        History history = model.Fit(x, high, epochs: 5, batchSize: 8, verbose: 0, seed: 1);
        Assert.True(history.Loss[^1] < history.Loss[0] / 2, $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.Equal(model.Evaluate([top, bottom], high, verbose: 0)["loss"], model.Evaluate(x, high, verbose: 0)["loss"], 9);
    }

    [Fact]
    public void Apply_MissingOrUnknownName_ThrowsNamingTheExpectedKeys()
    {
        Model model = TwoHeads(3);
        (Tensor top, Tensor bottom, _, _) = Data();
        var missing = Assert.Throws<ArgumentException>(() => model.ApplyOutputs(new Dictionary<string, Tensor> { ["top"] = top }));
        Assert.Contains("Missing data for input 'bottom'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("['top', 'bottom']", missing.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() =>
            model.ApplyOutputs(new Dictionary<string, Tensor> { ["top"] = top, ["bottom"] = bottom, ["left"] = top }));
        Assert.Contains("no input named 'left'", unknown.Message, StringComparison.Ordinal);

        var sequential = new Sequential(new Dense(1, inputShape: [3]));
        Assert.Throws<ArgumentException>(() => sequential.Apply(new Dictionary<string, Tensor> { ["x"] = top }));
    }
}
