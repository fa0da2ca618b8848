using Nabla.Keras.Metrics;

namespace Nabla.Keras.Tests;

public class MetricTests
{
    [Fact]
    public void Mean_WeightedAcrossUpdates_AndReset()
    {
        var mean = new Mean();
        mean.UpdateState(Tf.Constant(new double[] { 1, 2, 3 }));
        Assert.Equal(2.0, mean.Result(), 12);
        mean.UpdateState(Tf.Constant(new double[] { 10 }), Tf.Constant(new double[] { 3 }));
        Assert.Equal((1 + 2 + 3 + 30) / 6.0, mean.Result(), 12);
        mean.ResetState();
        Assert.Equal(0.0, mean.Result());
        Assert.Equal("mean", mean.Name);
    }

    [Fact]
    public void Accuracy_ExactMatchFraction()
    {
        var m = new Accuracy();
        m.UpdateState(Tf.Constant(new[] { 1, 2, 3, 4 }), Tf.Constant(new double[] { 0, 2, 3, 4 }));
        Assert.Equal(0.75, m.Result(), 1e-6);
        m.UpdateState(Tf.Constant(new[] { 1, 1 }), Tf.Constant(new double[] { 0, 0 }));
        Assert.Equal(3.0 / 6, m.Result(), 1e-6);
    }

    [Fact]
    public void BinaryAccuracy_ThresholdHalf_MeanOverLastAxisThenSamples()
    {
        var m = new BinaryAccuracy();
        m.UpdateState(Tf.Constant(new double[,] { { 1, 0 }, { 1, 1 } }), Tf.Constant(new double[,] { { 0.9, 0.6 }, { 0.51, 0.2 } }));
        Assert.Equal(0.5, m.Result(), 1e-6);
        var strict = new BinaryAccuracy(threshold: 0.7);
        strict.UpdateState(Tf.Constant(new double[] { 1, 0, 0 }), Tf.Constant(new double[] { 0.8, 0.6, 0.75 }));
        Assert.Equal(2.0 / 3, strict.Result(), 1e-6);
    }

    [Fact]
    public void CategoricalAndSparseCategoricalAccuracy_ArgMax()
    {
        var yPred = Tf.Constant(new double[,] { { 0.1, 0.9, 0 }, { 0.5, 0.3, 0.2 }, { 0.2, 0.2, 0.6 } });
        var cat = new CategoricalAccuracy();
        cat.UpdateState(Tf.Constant(new double[,] { { 0, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }), yPred);
        Assert.Equal(2.0 / 3, cat.Result(), 1e-6);
        var sparse = new SparseCategoricalAccuracy();
        sparse.UpdateState(Tf.Constant(new[] { 1, 0, 0 }), yPred);
        Assert.Equal(2.0 / 3, sparse.Result(), 1e-6);
        sparse.UpdateState(Tf.Constant(new[,] { { 2 } }), Tf.Constant(new double[,] { { 0, 0, 1 } }));
        Assert.Equal(3.0 / 4, sparse.Result(), 1e-6);
    }

    [Fact]
    public void MeanSquaredAndAbsoluteError_Metrics_HandComputed()
    {
        var yTrue = Tf.Constant(new double[,] { { 0, 1 }, { 2, 2 } });
        var yPred = Tf.Constant(new double[,] { { 1, 1 }, { 0, 2 } });
        var mse = new Metrics.MeanSquaredError();
        mse.UpdateState(yTrue, yPred);
        Assert.Equal(((1 + 0) / 2.0 + (4 + 0) / 2.0) / 2, mse.Result(), 12);
        var mae = new Metrics.MeanAbsoluteError();
        mae.UpdateState(yTrue, yPred);
        Assert.Equal(((1 + 0) / 2.0 + (2 + 0) / 2.0) / 2, mae.Result(), 12);
        mae.ResetState();
        Assert.Equal(0.0, mae.Result());
    }

    [Fact]
    public void Get_AccuracyName_PicksVariantFromShapes()
    {
        Metric binary = Metric.Get("accuracy");
        binary.UpdateState(Tf.Constant(new double[,] { { 1 }, { 0 } }), Tf.Constant(new double[,] { { 0.7 }, { 0.7 } }));
        Assert.Equal(0.5, binary.Result(), 1e-6);
        Metric sparse = Metric.Get("acc");
        sparse.UpdateState(Tf.Constant(new[] { 1, 0 }), Tf.Constant(new double[,] { { 0.2, 0.8 }, { 0.3, 0.7 } }));
        Assert.Equal(0.5, sparse.Result(), 1e-6);
        Assert.Equal("acc", sparse.Name);
        Metric categorical = Metric.Get("accuracy");
        categorical.UpdateState(Tf.Constant(new double[,] { { 0, 1 }, { 0, 1 } }), Tf.Constant(new double[,] { { 0.2, 0.8 }, { 0.3, 0.7 } }));
        Assert.Equal(1.0, categorical.Result(), 1e-6);
        Assert.Equal("mse", Metric.Get("mse").Name);
        Assert.IsType<Metrics.MeanAbsoluteError>(Metric.Get("mae"));
        Assert.Throws<ArgumentException>(() => Metric.Get("f1"));
    }
}
