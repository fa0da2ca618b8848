using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

/// <summary>
/// A batch size larger than the data, up to int.MaxValue, is one batch of every sample, as Keras clamps it: Fit
/// trains (it used to compute a negative step count, train nothing and report loss 0), and Evaluate, Predict and the
/// validation split give what a batch of exactly the data gives (issue 16).
/// </summary>
public class HugeBatchSizeTests
{
    private static (Tensor X, Tensor Y) Data(int samples)
    {
        var random = new Random(3);
        var x = new float[samples, 2];
        var y = new float[samples, 1];
        for (int i = 0; i < samples; i++)
        {
            x[i, 0] = (float)random.NextDouble();
            x[i, 1] = (float)random.NextDouble();
            y[i, 0] = (3 * x[i, 0]) - x[i, 1] + 0.5f;
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    private static Sequential NewModel(Sequential? sameWeightsAs = null)
    {
        var model = new Sequential(new Dense(1, inputShape: [2]));
        model.Compile(new SGD(0.1), new MeanSquaredError());
        if (sameWeightsAs is not null)
        {
            model.SetWeights(sameWeightsAs.GetWeights());
        }

        return model;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 1)]
    [InlineData(1 << 30)]
    [InlineData(13)]
    public void Fit_BatchLargerThanTheData_TrainsOnOneBatchOfEverything(int batchSize)
    {
        (Tensor x, Tensor y) = Data(12);
        Sequential huge = NewModel(), exact = NewModel(sameWeightsAs: huge);
        History hugeHistory = huge.Fit(x, y, epochs: 3, batchSize: batchSize, verbose: 0, shuffle: false);
        History exactHistory = exact.Fit(x, y, epochs: 3, batchSize: 12, verbose: 0, shuffle: false);

        Assert.All(hugeHistory.Loss, loss => Assert.True(loss > 0, $"loss {loss}: nothing was trained"));
        Assert.Equal(exactHistory.Loss, hugeHistory.Loss);
        Assert.Equal(exact.Variables[0].ToArray<float>(), huge.Variables[0].ToArray<float>());
        Assert.True(hugeHistory.Loss[^1] < hugeHistory.Loss[0]);
    }

    [Fact]
    public void Fit_HugeBatchWithValidationSplit_ValidatesOnTheHeldOutPart()
    {
        (Tensor x, Tensor y) = Data(12);
        Sequential huge = NewModel(), exact = NewModel(sameWeightsAs: huge);
        History a = huge.Fit(x, y, epochs: 2, batchSize: int.MaxValue, verbose: 0, shuffle: false, validationSplit: 0.25);
        History b = exact.Fit(x, y, epochs: 2, batchSize: 9, verbose: 0, shuffle: false, validationSplit: 0.25);
        Assert.All(a["val_loss"], loss => Assert.True(loss > 0));
        Assert.Equal(b["val_loss"], a["val_loss"]);
    }

    [Fact]
    public void EvaluateAndPredict_HugeBatch_EqualOneBatchOfTheData_AndCountOneStep()
    {
        (Tensor x, Tensor y) = Data(12);
        Sequential model = NewModel();
        var printed = new StringWriter();
        double huge = model.Evaluate(x, y, batchSize: int.MaxValue, verbose: 1, output: printed);
        Assert.Equal(model.Evaluate(x, y, batchSize: 12, verbose: 0), huge);
        Assert.True(huge > 0);
        Assert.StartsWith("1/1 ", printed.ToString(), StringComparison.Ordinal); // the step count wrapped negative
        Assert.Equal(model.Predict(x, batchSize: 12).ToArray<float>(), model.Predict(x, batchSize: int.MaxValue).ToArray<float>());
    }

    [Fact]
    public void FunctionalLists_HugeBatch_EqualOneBatchOfTheData()
    {
        Tf.Random.SetSeed(4);
        Tensor a = Keras.Input(shape: [2], name: "a"), b = Keras.Input(shape: [2], name: "b");
        var model = new Model([a, b], [new Dense(1).Apply(new Concatenate().Apply([a, b]))]);
        model.Compile(new SGD(0.1), new MeanSquaredError());
        (Tensor x, Tensor y) = Data(10);
        Tensor[] inputs = [x, x * 2f];
        Assert.Equal(model.Predict(inputs, batchSize: 10)[0].ToArray<float>(), model.Predict(inputs, batchSize: int.MaxValue)[0].ToArray<float>());
        double huge = model.Evaluate(inputs, [y], batchSize: int.MaxValue, verbose: 0);
        Assert.Equal(model.Evaluate(inputs, [y], batchSize: 10, verbose: 0), huge);
        History history = model.Fit(inputs, [y], epochs: 2, batchSize: int.MaxValue, verbose: 0, shuffle: false);
        Assert.All(history.Loss, loss => Assert.True(loss > 0));
    }
}
