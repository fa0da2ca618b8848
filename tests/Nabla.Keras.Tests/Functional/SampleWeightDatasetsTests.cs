using Nabla.Data;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// Datasets of (inputs, targets, sample weights), as Keras's <c>fit(Dataset.from_tensor_slices((x, y, w)))</c>: each
/// sample's loss is multiplied by its weight and the batch's sum divided by the batch size (Keras's
/// <c>sum_over_batch_size</c>), for every output; the compiled metrics are not weighted (Keras 3's <c>metrics</c>).
/// </summary>
public class SampleWeightDatasetsTests
{
    // 40 samples in batches of 16: 16, 16 and a last one of 8.
    private const int Samples = 40, BatchSize = 16;

    private static (Tensor X, Tensor Y, Tensor W) Regression(int seed = 3)
    {
        var random = new Random(seed);
        float[] Values(int n, double low, double high) => [.. Enumerable.Range(0, n).Select(_ => (float)(low + (random.NextDouble() * (high - low))))];
        Tensor x = Tf.Constant(Values(Samples * 4, -1, 1), new Shape(Samples, 4));
        Tensor y = Tf.ReduceSum(x * Tf.Constant(new float[] { 1, -2, 0.5f, 3 }), 1, keepdims: true) + 0.25f;
        return (x, y, Tf.Constant(Values(Samples, 0, 2), new Shape(Samples)));
    }

    private static Sequential Linear(Optimizer optimizer, bool runEagerly = false)
    {
        // Every model starts from the same weights: the initializers draw from the reseeded global generator.
        Tf.Random.SetSeed(4);
        var model = new Sequential(new Dense(1, inputShape: [4]));
        model.Compile(optimizer, new MeanSquaredError(), ["mae"], runEagerly: runEagerly);
        return model;
    }

    private static void AssertClose(IReadOnlyList<Variable> expected, IReadOnlyList<Variable> actual)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            float[] e = expected[i].ToArray<float>(), a = actual[i].ToArray<float>();
            for (int j = 0; j < e.Length; j++)
            {
                Assert.True(Math.Abs(e[j] - a[j]) <= 1e-5f * Math.Max(1, Math.Abs(e[j])), $"{expected[i].Name}[{j}]: {e[j]} vs {a[j]}");
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_WeightedBatches_TrainAsAHandWrittenLoopOfWeightedLosses(bool runEagerly)
    {
        (Tensor x, Tensor y, Tensor w) = Regression();
        Sequential model = Linear(new SGD(0.05), runEagerly);
        Sequential reference = Linear(new SGD(0.05));
        Assert.Equal(reference.Variables[0].ToArray<float>(), model.Variables[0].ToArray<float>());
        History history = model.Fit(Dataset.FromTensorSlices(x, y, w).Batch(BatchSize), epochs: 3, verbose: 0);

        // Keras's train step by hand: the weighted loss of each batch, its gradients, the update; the epoch's loss log
        // is the mean of the batch losses weighted by the batch sizes.
        var loss = new MeanSquaredError();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            double sum = 0;
            for (int start = 0; start < Samples; start += BatchSize)
            {
                int end = Math.Min(Samples, start + BatchSize);
                Tensor value;
                var tape = new GradientTape();
                using (tape)
                {
                    value = loss.Call(y[start..end], reference.Apply(x[start..end], training: true), w[start..end]);
                }

                reference.Optimizer!.ApplyGradients(tape.Gradient(value, [.. reference.TrainableVariables]), reference.TrainableVariables);
                sum += value.Item<float>() * (end - start);
            }

            Assert.Equal(sum / Samples, history.Loss[epoch], 1e-5);
        }

        AssertClose(reference.Variables, model.Variables);
        Assert.True(history.Loss[^1] < history.Loss[0], $"loss {history.Loss[0]} -> {history.Loss[^1]}");
    }

    [Fact]
    public void Weights_ScaleTheLossNotTheMetrics_AndAreDividedByTheBatchSize()
    {
        (Tensor x, Tensor y, _) = Regression(4);
        Tensor twos = Tf.Fill([Samples], 2.0f, DType.Float32);

        // A weight of 2 for every sample doubles the loss (sum_over_batch_size divides by the batch size, not by the
        // sum of the weights): SGD with rate 0.05 then takes the steps of rate 0.1 on the unweighted loss.
        Sequential weighted = Linear(new SGD(0.05)), doubledRate = Linear(new SGD(0.1));
        History weightedHistory = weighted.Fit(Dataset.FromTensorSlices(x, y, twos).Batch(BatchSize), epochs: 2, verbose: 0);
        History plainHistory = doubledRate.Fit(Dataset.FromTensorSlices(x, y).Batch(BatchSize), epochs: 2, verbose: 0);
        AssertClose(doubledRate.Variables, weighted.Variables);
        Assert.Equal(2 * plainHistory.Loss[0], weightedHistory.Loss[0], 1e-5);

        // Evaluated on the same weights: the loss doubles, the metric (mae) does not see the weights.
        Dictionary<string, double> plain = weighted.EvaluateMetrics(Dataset.FromTensorSlices(x, y).Batch(BatchSize));
        EvaluationResult doubled = weighted.Evaluate(Dataset.FromTensorSlices(x, y, twos).Batch(BatchSize), verbose: 0);
        Assert.Equal(2 * plain["loss"], doubled["loss"], 1e-6);
        Assert.Equal(plain["mae"], doubled["mae"], 1e-9);

        // Weights of one train as no weights.
        Tensor ones = Tf.Fill([Samples], 1.0f, DType.Float32);
        Sequential withOnes = Linear(new SGD(0.05)), without = Linear(new SGD(0.05));
        withOnes.Fit(Dataset.FromTensorSlices(x, y, ones).Batch(BatchSize), epochs: 2, verbose: 0);
        without.Fit(Dataset.FromTensorSlices(x, y).Batch(BatchSize), epochs: 2, verbose: 0);
        AssertClose(without.Variables, withOnes.Variables);
    }

    // Two inputs by name and two outputs: the weights apply to both outputs' losses; traced and eager agree.
    private static Model TwoOutputs(bool runEagerly)
    {
        Tf.Random.SetSeed(31);
        Tensor a = Keras.Input(shape: [3], name: "a");
        Tensor b = Keras.Input(shape: [1], name: "b");
        Tensor hidden = new Dense(6, activation: "tanh").Apply(new Concatenate().Apply([a, b]));
        var model = new Model([a, b], [new Dense(1, name: "value").Apply(hidden), new Dense(2, name: "sign").Apply(hidden)]);
        model.Compile(new Adam(0.02), [new MeanSquaredError(), new SparseCategoricalCrossentropy(fromLogits: true)], ["accuracy"],
            lossWeights: [1, 0.5], runEagerly: runEagerly);
        return model;
    }

    [Fact]
    public void Fit_WeightedDictionaries_TwoOutputs_TracedAndEagerAgree_AndEveryOutputIsWeighted()
    {
        (Tensor x, Tensor y, Tensor w) = Regression(5);
        var inputs = new Dictionary<string, Tensor> { ["a"] = x[.., ..3], ["b"] = x[.., 3..] };
        Tensor sign = Tf.Cast(Tf.Greater(y[.., 0], 0.0f), DType.Int32);
        Dataset<(Dictionary<string, Tensor>, Tensor[], Tensor)> batches =
            Dataset.FromTensorSlices((inputs, new[] { y, sign }, w)).Batch(BatchSize);

        Model eager = TwoOutputs(runEagerly: true), traced = TwoOutputs(runEagerly: false);
        History expected = eager.Fit(batches, epochs: 3, verbose: 0, validationData: batches);
        History actual = traced.Fit(batches, epochs: 3, verbose: 0, validationData: batches);
        Assert.Equal(["loss", "value_loss", "sign_loss", "value_accuracy", "sign_accuracy",
            "val_loss", "val_value_loss", "val_sign_loss", "val_value_accuracy", "val_sign_accuracy"], actual.Keys);
        foreach (string key in expected.Keys)
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.True(Math.Abs(expected[key][epoch] - actual[key][epoch]) <= 1e-5 * Math.Max(1, Math.Abs(expected[key][epoch])),
                    $"{key} in epoch {epoch}: eager {expected[key][epoch]}, traced {actual[key][epoch]}");
            }
        }

        AssertClose(eager.Variables, traced.Variables);

        // Predict reads the inputs only, as Keras's predict on (x, y, w) elements.
        Tensor[] fromTriples = traced.Predict(batches);
        Tensor[] fromInputs = traced.Predict(Dataset.FromTensorSlices(inputs).Batch(BatchSize));
        Assert.Equal(2, fromTriples.Length);
        Assert.Equal(fromInputs[0].ToArray<float>(), fromTriples[0].ToArray<float>());
        Assert.Equal(fromInputs[1].ToArray<float>(), fromTriples[1].ToArray<float>());

        // Weights of 3 triple each output's loss and the total; the accuracies stay.
        var unweighted = traced.EvaluateMetrics(Dataset.FromTensorSlices((inputs, new[] { y, sign })).Batch(BatchSize));
        var tripled = traced.EvaluateMetrics(Dataset.FromTensorSlices((inputs, new[] { y, sign }, Tf.Fill([Samples], 3.0f, DType.Float32))).Batch(BatchSize));
        foreach (string key in new[] { "loss", "value_loss", "sign_loss" })
        {
            Assert.Equal(3 * unweighted[key], tripled[key], 1e-5);
        }

        Assert.Equal(unweighted["sign_accuracy"], tripled["sign_accuracy"], 1e-12);
        Assert.Equal(unweighted["value_loss"] + (0.5 * unweighted["sign_loss"]), unweighted["loss"], 1e-5);
    }

    [Fact]
    public void WeightsThatAreNotOnePerSample_AreRefusedNamingTheShapes()
    {
        (Tensor x, Tensor y, Tensor w) = Regression();
        Sequential model = Linear(new SGD(0.05));
        Dataset<(Tensor, Tensor, Tensor)> misaligned = Dataset.FromTensorSlices(x, y, w).Batch(BatchSize).Map(b => (b.Item1, b.Item2, b.Item3[..4]));
        var ex = Assert.Throws<ArgumentException>(() => model.Fit(misaligned, epochs: 1, verbose: 0));
        Assert.Contains("sample weights of a batch have shape (4,) (float32), but its inputs hold 16 samples", ex.Message, StringComparison.Ordinal);

        Dataset<(Tensor, Tensor, Tensor)> scalar = Dataset.FromTensorSlices(x, y, w).Batch(BatchSize).Map(b => (b.Item1, b.Item2, Tf.Constant(1.0f)));
        Assert.Throws<ArgumentException>(() => model.EvaluateMetrics(scalar));
    }
}
