using Nabla;
using Nabla.Keras;

namespace FirstHour;

/// <summary>
/// Targets of shape (n) against a Dense(1) model's (n, 1) predictions, and the reverse, as a TensorFlow user writes
/// them (<c>model.fit(x, y)</c> with a flat <c>y</c>): Keras aligns the ranks (<c>squeeze_or_expand_to_same_rank</c>)
/// before every loss and metric, so each sample is compared with its own target, never broadcast to (n, n).
/// </summary>
public class TargetRankTests
{
    private static readonly double[] s_targets = [0.5, -1, 2, 3.5, 0];
    private static readonly double[] s_predictions = [1, -1.5, 2, 1.5, 0.25];

    private static Tensor Column(double[] values) => Tf.Constant(values.Select(v => (float)v).ToArray(), new Shape(values.Length, 1));

    private static Tensor Flat(double[] values) => Tf.Constant(values.Select(v => (float)v).ToArray(), new Shape(values.Length));

    private static double MeanOverSamples(Func<double, double, double> perSample) =>
        s_targets.Zip(s_predictions, perSample).Average();

    [Fact]
    public void Losses_FlatTargetsAgainstColumnPredictions_ComparePerSample()
    {
        double mse = MeanOverSamples((t, p) => (t - p) * (t - p));
        double mae = MeanOverSamples((t, p) => Math.Abs(t - p));
        foreach ((Tensor yTrue, Tensor yPred) in new[] { (Flat(s_targets), Column(s_predictions)), (Column(s_targets), Flat(s_predictions)) })
        {
            Assert.Equal(mse, Keras.Losses.MeanSquaredError().Call(yTrue, yPred).Item<float>(), 5);
            Assert.Equal(mae, ((Nabla.Keras.Losses.Loss)"mae").Call(yTrue, yPred).Item<float>(), 5);
            Tensor perSample = Keras.Losses.MeanSquaredError(reduction: Nabla.Keras.Losses.Reduction.None).Call(yTrue, yPred);
            Assert.Equal(new Shape(s_targets.Length), perSample.Shape);
        }
    }

    [Fact]
    public void BinaryCrossentropy_FlatLabelsAgainstSigmoidColumn_ComparePerSample()
    {
        double[] labels = [1, 0, 1, 0];
        double[] probabilities = [0.9, 0.2, 0.6, 0.4];
        double expected = labels.Zip(probabilities, (t, p) => -((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p)))).Average();
        Tensor loss = Keras.Losses.BinaryCrossentropy().Call(Flat(labels), Column(probabilities));
        Assert.Equal(expected, loss.Item<float>(), 4);
    }

    [Fact]
    public void Metrics_FlatTargetsAgainstColumnPredictions_ComparePerSample()
    {
        var metric = Keras.Metrics.MeanAbsoluteError();
        metric.UpdateState(Flat(s_targets), Column(s_predictions));
        Assert.Equal(MeanOverSamples((t, p) => Math.Abs(t - p)), metric.Result(), 5);

        var accuracy = Keras.Metrics.BinaryAccuracy();
        accuracy.UpdateState(Flat([1, 0, 1, 0]), Column([0.9, 0.2, 0.4, 0.7]));
        Assert.Equal(0.5, accuracy.Result(), 6);
    }

    [Fact]
    public void Fit_FlatTargets_TrainsAsColumnTargets()
    {
        double[,] x = new double[40, 1];
        double[] yFlat = new double[40];
        double[,] yColumn = new double[40, 1];
        for (int i = 0; i < 40; i++)
        {
            x[i, 0] = (i / 20.0) - 1;
            yFlat[i] = yColumn[i, 0] = (3 * x[i, 0]) + 0.5;
        }

        History Train(Tensor y)
        {
            Backend.ClearSession();
            Tf.Random.SetSeed(11);
            var model = new Sequential(new Dense(1, inputShape: [1]));
            model.Compile(optimizer: new Nabla.Keras.Optimizers.SGD(learningRate: 0.2), loss: "mse", metrics: ["mae"]);
            return model.Fit(x, y, epochs: 5, batchSize: 8, verbose: 0, shuffle: false);
        }

        History flat = Train(yFlat), column = Train(yColumn);
        Assert.Equal(column.History["loss"], flat.History["loss"]);
        Assert.Equal(column.History["mae"], flat.History["mae"]);
        Assert.True(flat.History["loss"][^1] < flat.History["loss"][0] / 2, $"loss {flat.History["loss"][0]} -> {flat.History["loss"][^1]}");
    }

    [Fact]
    public void SparseLabels_AgainstClassScores_AreUnchanged()
    {
        Tensor logits = Tf.Constant(new[] { 2f, 0.5f, -1f, 0.1f, 0.2f, 3f }, new Shape(2, 3));
        double expected = -Math.Log(Math.Exp(2) / (Math.Exp(2) + Math.Exp(0.5) + Math.Exp(-1)))
            - Math.Log(Math.Exp(3) / (Math.Exp(0.1) + Math.Exp(0.2) + Math.Exp(3)));
        var loss = Keras.Losses.SparseCategoricalCrossentropy(fromLogits: true);
        Assert.Equal(expected / 2, loss.Call(Tf.Constant(new[] { 0, 2 }), logits).Item<float>(), 5);
        Assert.Equal(expected / 2, loss.Call(Tf.Constant(new[] { 0, 2 }, new Shape(2, 1)), logits).Item<float>(), 5);
    }

    [Fact]
    public void DifferentSampleCounts_StillFailWithBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Keras.Losses.MeanSquaredError().Call(Flat(s_targets), Column([1, 2, 3])));
        Assert.Contains("(5, 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 1)", error.Message, StringComparison.Ordinal);
    }
}
