using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

public class OptimizerTests
{
    private static readonly double[] s_grads1 = [0.5, -1.0];
    private static readonly double[] s_grads2 = [0.25, 2.0];

    private static double[] Run(Optimizer optimizer, int steps, out Variable w)
    {
        w = new Variable(new double[] { 1.0, -2.0 });
        for (int t = 0; t < steps; t++)
        {
            optimizer.ApplyGradients([(Tf.Constant(t % 2 == 0 ? s_grads1 : s_grads2), w)]);
        }

        return w.ToArray<double>();
    }

    [Fact]
    public void SGD_Plain_SubtractsLearningRateTimesGradient()
    {
        double[] w = Run(new SGD(0.1), 2, out _);
        Assert.Equal(1.0 - (0.1 * 0.5) - (0.1 * 0.25), w[0], 12);
        Assert.Equal(-2.0 + 0.1 - 0.2, w[1], 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SGD_Momentum_MatchesKerasFormula(bool nesterov)
    {
        double lr = 0.1, mu = 0.9;
        double[] w = Run(new SGD(lr, mu, nesterov), 3, out _);
        for (int i = 0; i < 2; i++)
        {
            double x = i == 0 ? 1.0 : -2.0, v = 0;
            for (int t = 0; t < 3; t++)
            {
                double g = (t % 2 == 0 ? s_grads1 : s_grads2)[i];
                v = (mu * v) - (lr * g);
                x += nesterov ? (mu * v) - (lr * g) : v;
            }

            Assert.Equal(x, w[i], 12);
        }
    }

    [Fact]
    public void Adam_MatchesKerasFormula()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        var adam = new Adam(lr);
        double[] w = Run(adam, 3, out _);
        Assert.Equal(3, adam.Iterations);
        for (int i = 0; i < 2; i++)
        {
            double x = i == 0 ? 1.0 : -2.0, m = 0, v = 0;
            for (int t = 1; t <= 3; t++)
            {
                double g = (t % 2 == 1 ? s_grads1 : s_grads2)[i];
                m = (b1 * m) + ((1 - b1) * g);
                v = (b2 * v) + ((1 - b2) * g * g);
                double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
                x -= alpha * m / (Math.Sqrt(v) + eps);
            }

            Assert.Equal(x, w[i], 12);
        }
    }

    [Fact]
    public void ApplyGradients_NullGradientSkipped_ShapeMismatchThrows()
    {
        var w = new Variable(new float[] { 1, 2 });
        var sgd = new SGD(1);
        sgd.ApplyGradients([((Tensor?)null, w)]);
        Assert.Equal([1f, 2f], w.ToArray<float>());
        var ex = Assert.Throws<ArgumentException>(() => sgd.ApplyGradients([(Tf.Constant(new float[] { 1, 2, 3 }), w)]));
        Assert.Contains("SGD", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(3,)", ex.Message, StringComparison.Ordinal);
    }
}
