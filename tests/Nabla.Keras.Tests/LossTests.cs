using Nabla.Keras.Losses;

namespace Nabla.Keras.Tests;

public class LossTests
{
    private static double Value(Loss loss, Tensor yTrue, Tensor yPred) => loss.Call(yTrue, yPred).Item<double>();

    [Fact]
    public void MeanSquaredAndAbsoluteError_HandComputed()
    {
        var yTrue = Tf.Constant(new double[,] { { 0, 1 }, { 0, 0 } });
        var yPred = Tf.Constant(new double[,] { { 1, 1 }, { 1, 0 } });
        Assert.Equal(0.5, Value(new MeanSquaredError(), yTrue, yPred), 12);
        Assert.Equal(0.5, Value(new MeanAbsoluteError(), yTrue, Tf.Constant(new double[,] { { 1, 1 }, { -1, 0 } })), 12);
        Assert.Equal(2.25, Value(new MeanSquaredError(), Tf.Constant(new double[] { 1 }), Tf.Constant(new double[] { 2.5 })), 12);
    }

    [Fact]
    public void BinaryCrossentropy_ProbabilitiesAndLogits_HandComputed()
    {
        var yTrue = Tf.Constant(new double[,] { { 0, 1 }, { 0, 0 } });
        var p = new[,] { { 0.6, 0.4 }, { 0.4, 0.6 } };
        double eps = 1e-7;
        double expected = (-(Math.Log(1 - 0.6 + eps) + Math.Log(0.4 + eps)) / 2 - (Math.Log(1 - 0.4 + eps) + Math.Log(1 - 0.6 + eps)) / 2) / 2;
        Assert.Equal(expected, Value(new BinaryCrossentropy(), yTrue, Tf.Constant(p)), 1e-9);

        var logits = new[,] { { 2.0, -1.0 }, { 0.5, -30.0 } };
        double Bce(double y, double x) => -(y * Math.Log(1 / (1 + Math.Exp(-x)))) - ((1 - y) * Math.Log(1 - (1 / (1 + Math.Exp(-x)))));
        double fromLogits = ((Bce(0, 2) + Bce(1, -1)) / 2 + (Bce(0, 0.5) + Bce(0, -30)) / 2) / 2;
        Assert.Equal(fromLogits, Value(new BinaryCrossentropy(fromLogits: true), yTrue, Tf.Constant(logits)), 1e-9);
    }

    [Fact]
    public void CategoricalCrossentropy_ProbabilitiesAndLogits_HandComputed()
    {
        var yTrue = Tf.Constant(new double[,] { { 0, 1, 0 }, { 0, 0, 1 } });
        var yPred = Tf.Constant(new double[,] { { 0.05, 0.95, 0 }, { 0.1, 0.8, 0.1 } });
        Assert.Equal((-Math.Log(0.95) - Math.Log(0.1)) / 2, Value(new CategoricalCrossentropy(), yTrue, yPred), 1e-9);

        var logits = new double[,] { { 1, 2, 3 }, { 1000, 0, -1000 } };
        double lse0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double expected = ((lse0 - 2) + 2000) / 2;
        Assert.Equal(expected, Value(new CategoricalCrossentropy(fromLogits: true), yTrue, Tf.Constant(logits)), 1e-9);
    }

    [Fact]
    public void SparseCategoricalCrossentropy_MatchesCategorical_AndBadLabelThrows()
    {
        var logits = Tf.Constant(new double[,] { { 1, 2, 3 }, { 0.5, 0.1, -2 } });
        double lse0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double lse1 = Math.Log(Math.Exp(0.5) + Math.Exp(0.1) + Math.Exp(-2));
        double expected = ((lse0 - 3) + (lse1 - 0.5)) / 2;
        Assert.Equal(expected, Value(new SparseCategoricalCrossentropy(fromLogits: true), Tf.Constant(new[] { 2, 0 }), logits), 1e-9);
        var probs = Tf.Constant(new double[,] { { 0.2, 0.3, 0.5 }, { 0.6, 0.3, 0.1 } });
        Assert.Equal((-Math.Log(0.3) - Math.Log(0.1)) / 2, Value(new SparseCategoricalCrossentropy(), Tf.Constant(new[] { 1, 2 }), probs), 1e-9);
        var ex = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Call(Tf.Constant(new[] { 3, 0 }), probs));
        // TensorFlow's kernel message, as Keras on TensorFlow reports it.
        Assert.Contains("label value of 3 which is outside the valid range of [0, 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_ShapeMismatch_ThrowsNamingLoss()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Call(Tf.Ones([2]), Tf.Ones([3])));
        Assert.Contains("mean_squared_error", ex.Message, StringComparison.Ordinal);
    }
}
