using Nabla.Keras.Optimizers;
using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Tests;

public class TrainingOptimizerTests
{
    private static readonly double[][] s_grads = [[0.5, -1.0], [0.25, 2.0], [-0.75, 0.1]];
    private static readonly double[] s_start = [1.0, -2.0];

    private static double[] Run(Optimizer optimizer, int steps)
    {
        var w = new Variable(s_start);
        for (int t = 0; t < steps; t++)
        {
            optimizer.ApplyGradients([Tf.Constant(s_grads[t % 3])], [w]);
        }

        return w.ToArray<double>();
    }

    // Runs a per-element reference update: f(element index, x, g, lr, step 1-based) -> new x.
    private static double[] Reference(int steps, Func<int, double, double, int, double> update)
    {
        double[] x = [.. s_start];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = update(i, x[i], s_grads[(t - 1) % 3][i], t);
            }
        }

        return x;
    }

    private static void Close(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }

    [Fact]
    public void AdamW_DecoupledWeightDecayThenAdam_MatchesKerasFormula()
    {
        double lr = 0.01, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] m = new double[2], v = new double[2];
        double[] expected = Reference(3, (i, x, g, t) =>
        {
            x -= x * wd * lr;
            m[i] = (b1 * m[i]) + ((1 - b1) * g);
            v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            return x - (alpha * m[i] / (Math.Sqrt(v[i]) + eps));
        });
        Close(expected, Run(new AdamW(lr, weightDecay: wd), 3));
        Assert.Equal(0.004, new AdamW().WeightDecay);
        Assert.Equal(0.001, new AdamW().LearningRate);
    }

    [Fact]
    public void Adam_Amsgrad_UsesRunningMaxOfSecondMoment()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] m = new double[2], v = new double[2], vh = new double[2];
        double[] expected = Reference(3, (i, x, g, t) =>
        {
            m[i] = (b1 * m[i]) + ((1 - b1) * g);
            v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
            vh[i] = Math.Max(vh[i], v[i]);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            return x - (alpha * m[i] / (Math.Sqrt(vh[i]) + eps));
        });
        Close(expected, Run(new Adam(lr, amsgrad: true), 3));
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.9)]
    [InlineData(true, 0.5)]
    public void RMSprop_MatchesKerasFormula(bool centered, double momentum)
    {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] s = new double[2], a = new double[2], mom = new double[2];
        double[] expected = Reference(3, (i, x, g, t) =>
        {
            s[i] = (rho * s[i]) + ((1 - rho) * g * g);
            double denominator = s[i] + eps;
            if (centered)
            {
                a[i] = (rho * a[i]) + ((1 - rho) * g);
                denominator = s[i] - (a[i] * a[i]) + eps;
            }

            double increment = lr * g / Math.Sqrt(denominator);
            if (momentum > 0)
            {
                mom[i] = (momentum * mom[i]) + increment;
                return x - mom[i];
            }

            return x - increment;
        });
        Close(expected, Run(new RMSprop(lr, momentum: momentum, centered: centered), 3));
    }

    [Fact]
    public void Adagrad_MatchesKerasFormula()
    {
        double lr = 0.1, eps = 1e-7;
        double[] acc = [0.1, 0.1];
        double[] expected = Reference(3, (i, x, g, t) =>
        {
            acc[i] += g * g;
            return x - (lr * g / Math.Sqrt(acc[i] + eps));
        });
        Close(expected, Run(new Adagrad(lr), 3));
        Assert.Equal(0.001, new Adagrad().LearningRate);
        Assert.Equal(0.001, new RMSprop().LearningRate);
    }

    [Fact]
    public void ClipNorm_RescalesEachGradientToNorm()
    {
        // g = [0.5, -1]: norm sqrt(1.25) > 0.5, so g becomes g * 0.5 / sqrt(1.25).
        double[] w = Run(new SGD(1.0, clipNorm: 0.5), 1);
        double scale = 0.5 / Math.Sqrt(1.25);
        Close([1.0 - (0.5 * scale), -2.0 + scale], w);
        Close([1.0 - 0.5, -2.0 + 1.0], Run(new SGD(1.0, clipNorm: 10), 1));
    }

    [Fact]
    public void ClipValue_And_GlobalClipNorm_MatchKeras()
    {
        Close([1.0 - 0.5, -2.0 + 0.6], Run(new SGD(1.0, clipValue: 0.6), 1));
        var a = new Variable(new double[] { 0, 0 });
        var b = new Variable(new double[] { 0 });
        new SGD(1.0, globalClipNorm: 2.5).ApplyGradients([Tf.Constant(new double[] { 3, 0 }), Tf.Constant(new double[] { 4 })], [a, b]);
        Close([-1.5, 0], a.ToArray<double>()); // global norm 5 -> scale 0.5
        Close([-2.0], b.ToArray<double>());
        var ex = Assert.Throws<ArgumentException>(() => new Adam(clipNorm: 1, clipValue: 1));
        Assert.Contains("Adam", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightDecay_OnSGD_ShrinksBeforeUpdate()
    {
        double lr = 0.1, wd = 0.5;
        double[] expected = Reference(2, (i, x, g, t) => x - (x * wd * lr) - (lr * g));
        Close(expected, Run(new SGD(lr, weightDecay: wd), 2));
    }

    [Fact]
    public void Schedules_MatchKerasFormulas()
    {
        var exp = new ExponentialDecay(0.1, decaySteps: 10, decayRate: 0.5);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.5), exp.Call(5), 12);
        Assert.Equal(0.1 * 0.5, new ExponentialDecay(0.1, 10, 0.5, staircase: true).Call(19), 12);
        Assert.Equal(0.1 * 0.25, new ExponentialDecay(0.1, 10, 0.5, staircase: true).Call(20), 12);

        var cosine = new CosineDecay(0.2, decaySteps: 100, alpha: 0.1);
        Assert.Equal(0.2, cosine.Call(0), 12);
        Assert.Equal(0.2 * ((0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.25))) + 0.1), cosine.Call(25), 12);
        Assert.Equal(0.2 * 0.1, cosine.Call(500), 12);
        var warm = new CosineDecay(0.0, decaySteps: 10, warmupTarget: 1.0, warmupSteps: 4);
        Assert.Equal(0.5, warm.Call(2), 12);
        Assert.Equal(1.0, warm.Call(4), 12);
        Assert.Equal(0.5, warm.Call(9), 12);

        var piecewise = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal(1.0, piecewise.Call(10));
        Assert.Equal(0.5, piecewise.Call(11));
        Assert.Equal(0.5, piecewise.Call(20));
        Assert.Equal(0.1, piecewise.Call(21));
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1.0]));
    }

    [Fact]
    public void Optimizer_WithSchedule_UsesRateAtIterationsBeforeUpdate()
    {
        var schedule = new PiecewiseConstantDecay([0], [1.0, 0.1]);
        var sgd = new SGD(schedule);
        Assert.Equal(1.0, sgd.LearningRate);
        Assert.Same(schedule, sgd.Schedule);
        double[] w = Run(sgd, 2);
        Close([1.0 - 0.5 - (0.1 * 0.25), -2.0 + 1.0 - 0.2], w);
        Assert.Equal(0.1, sgd.LearningRate);
        Assert.Throws<InvalidOperationException>(() => sgd.LearningRate = 0.5);
        var plain = new SGD(0.3);
        plain.LearningRate = 0.5;
        Assert.Equal(0.5, plain.LearningRate);
        Assert.Null(plain.Schedule);
    }

    [Fact]
    public void OptimizerRegistry_Names_KerasDefaults()
    {
        Assert.IsType<Adam>(OptimizerRegistry.Get("adam"));
        Assert.IsType<RMSprop>(OptimizerRegistry.Get("rmsprop"));
        Assert.Equal(0.01, OptimizerRegistry.Get("sgd").LearningRate);
        Assert.Throws<ArgumentException>(() => OptimizerRegistry.Get("adamax2"));
    }
}
