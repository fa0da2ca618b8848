using Nabla.Keras.Losses;

namespace Nabla.Keras.Tests;

/// <summary>
/// Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, CosineSimilarity and LogCosh: Keras's documented
/// examples, a float64 re-implementation of Keras's formulas on random data under every reduction, sample weights,
/// gradients against finite differences, names and errors.
/// </summary>
public class MoreLossesTests
{
    private static readonly Tensor s_binary = Tf.Constant(new double[,] { { 0, 1 }, { 0, 0 } });

    [Fact]
    public void Losses_KerasDocumentationExamples()
    {
        Tensor pred = Tf.Constant(new double[,] { { 0.6, 0.4 }, { 0.4, 0.6 } });
        Assert.Equal(1.3, new Hinge().Call(s_binary, pred).Item<double>(), 12);
        Assert.Equal(1.86, new SquaredHinge().Call(s_binary, pred).Item<double>(), 12);
        Assert.Equal(1.4, new CategoricalHinge().Call(s_binary, pred).Item<double>(), 12);
        Assert.Equal(0.458, new KLDivergence().Call(s_binary, pred).Item<double>(), 3);
        Tensor counts = Tf.Constant(new double[,] { { 1, 1 }, { 0, 0 } });
        Assert.Equal(0.5, new Poisson().Call(s_binary, counts).Item<double>(), 6);
        Assert.Equal(0.108, new LogCosh().Call(s_binary, counts).Item<double>(), 3);
        Tensor cosTrue = Tf.Constant(new double[,] { { 0, 1 }, { 1, 1 } }), cosPred = Tf.Constant(new double[,] { { 1, 0 }, { 1, 1 } });
        Assert.Equal(-0.5, new CosineSimilarity().Call(cosTrue, cosPred).Item<double>(), 6);
    }

    public static TheoryData<string> Names => ["hinge", "squared_hinge", "categorical_hinge", "kl_divergence", "poisson", "cosine_similarity", "log_cosh"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_RandomData_MatchesFloat64Formula_UnderEveryReductionAndWeights(string name)
    {
        (double[] yTrue, double[] yPred) = Data(name, seed: 5);
        Tensor t = Tf.Constant(yTrue, [4, 3]), p = Tf.Constant(yPred, [4, 3]);
        double[] expected = [.. Enumerable.Range(0, 4).Select(r => Reference(name, yTrue.AsSpan(r * 3, 3), yPred.AsSpan(r * 3, 3)))];
        Assert.Equal(name, Loss.Get(name).Name);
        Assert.Equal(expected, Make(name, Reduction.None).Call(t, p).ToArray<double>(), new DoubleTolerance(1e-9));
        Assert.Equal(expected.Sum(), Make(name, Reduction.Sum).Call(t, p).Item<double>(), 9);
        Assert.Equal(expected.Average(), Make(name, Reduction.SumOverBatchSize).Call(t, p).Item<double>(), 9);

        // Weights multiply the per-sample values; the mean still divides by the number of values (Keras's sum_over_batch_size).
        double[] weights = [0.5, 2, 0, 1];
        double weighted = expected.Select((v, i) => v * weights[i]).Sum();
        Assert.Equal(weighted / 4, Make(name, Reduction.SumOverBatchSize).Call(t, p, Tf.Constant(weights)).Item<double>(), 9);
        Assert.Equal(weighted, Make(name, Reduction.Sum).Call(t, p, Tf.Constant(weights, [4, 1])).Item<double>(), 9);
        Assert.Equal(expected.Sum() * 3, Make(name, Reduction.Sum).Call(t, p, 3.0).Item<double>(), 9);
        var ex = Assert.Throws<ArgumentException>(() => Make(name, Reduction.Sum).Call(t, p, Tf.Ones([3], DType.Float64)));
        Assert.Contains($"{name}: sample_weight of shape (3,)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_GradientWithRespectToPredictions_MatchesFiniteDifferences(string name)
    {
        (double[] yTrue, double[] yPred) = Data(name, seed: 6);
        Tensor t = Tf.Constant(yTrue, [4, 3]);
        var p = new Variable(Tf.Constant(yPred, [4, 3]));
        Loss loss = Make(name, Reduction.SumOverBatchSize);
        Tensor? g;
        using (var tape = new GradientTape())
        {
            g = tape.Gradient(loss.Call(t, p), p);
        }

        double[] analytic = g!.ToArray<double>();
        for (int i = 0; i < yPred.Length; i++)
        {
            double[] plus = (double[])yPred.Clone(), minus = (double[])yPred.Clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            double numeric = (loss.Call(t, Tf.Constant(plus, [4, 3])).Item<double>() - loss.Call(t, Tf.Constant(minus, [4, 3])).Item<double>()) / 2e-6;
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-5 * (1 + Math.Abs(numeric)), $"{name}: d/dyPred[{i}] tape {analytic[i]} vs {numeric}");
        }
    }

    [Fact]
    public void Hinge_SignedTargetsStay_AndNamesResolve()
    {
        // Targets already -1/1 (not all 0/1) are used as they are.
        Tensor signed = Tf.Constant(new double[,] { { -1, 1 } }), pred = Tf.Constant(new double[,] { { 0.3, -0.2 } });
        Assert.Equal((1.3 + 1.2) / 2, new Hinge().Call(signed, pred).Item<double>(), 12);
        Assert.IsType<KLDivergence>(Loss.Get("kld"));
        Assert.IsType<KLDivergence>(Loss.Get("KLDivergence"));
        Assert.IsType<LogCosh>(Loss.Get("logcosh"));
        Assert.Equal("kl_divergence", Keras.Losses.KLDivergence().Name);
        Assert.Equal(0, Keras.Losses.CosineSimilarity(axis: 0).Axis);
        var ex = Assert.Throws<ArgumentException>(() => new Poisson().Call(Tf.Zeros([2, 3]), Tf.Zeros([3, 2])));
        Assert.Contains("poisson", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CosineSimilarity_AlongAxisZero_AndZeroVectorsGiveZero()
    {
        Tensor t = Tf.Constant(new double[,] { { 1, 0 }, { 0, 0 } }), p = Tf.Constant(new double[,] { { 2, 0 }, { 0, 3 } });
        // Columns: (1, 0)·(2, 0) normalized → -1; (0, 0) stays zero → 0.
        Assert.Equal([-1.0, 0], new CosineSimilarity(axis: 0, reduction: Reduction.None).Call(t, p).ToArray<double>(), new DoubleTolerance(1e-12));
    }

    private static Loss Make(string name, Reduction reduction) => name switch
    {
        "hinge" => new Hinge(reduction),
        "squared_hinge" => new SquaredHinge(reduction),
        "categorical_hinge" => new CategoricalHinge(reduction),
        "kl_divergence" => new KLDivergence(reduction),
        "poisson" => new Poisson(reduction),
        "cosine_similarity" => new CosineSimilarity(reduction: reduction),
        _ => new LogCosh(reduction),
    };

    /// <summary>Targets and predictions in each loss's domain (probabilities, rates, one-hot or signed labels).</summary>
    private static (double[] YTrue, double[] YPred) Data(string name, int seed)
    {
        var random = new Random(seed);
        double[] yPred = [.. Enumerable.Range(0, 12).Select(_ => name is "kl_divergence" or "poisson" ? 0.05 + (random.NextDouble() * 0.9) : (random.NextDouble() * 4) - 2)];
        double[] yTrue = name switch
        {
            "hinge" or "squared_hinge" => [.. Enumerable.Range(0, 12).Select(_ => (double)random.Next(2))],
            "categorical_hinge" => [.. Enumerable.Range(0, 12).Select(i => i % 3 == (i / 3) % 3 ? 1.0 : 0)],
            "kl_divergence" => [.. Enumerable.Range(0, 12).Select(_ => random.NextDouble())],
            "poisson" => [.. Enumerable.Range(0, 12).Select(_ => (double)random.Next(4))],
            _ => [.. Enumerable.Range(0, 12).Select(_ => (random.NextDouble() * 4) - 2)],
        };
        return (yTrue, yPred);
    }

    /// <summary>Keras's formula for one sample (the last axis), written out in float64.</summary>
    private static double Reference(string name, ReadOnlySpan<double> t, ReadOnlySpan<double> p)
    {
        const double Eps = 1e-7;
        int n = t.Length;
        double sum = 0, pos = 0, neg = double.NegativeInfinity, tt = 0, pp = 0;
        for (int i = 0; i < n; i++)
        {
            double signed = t[i] * 2 - 1;
            switch (name)
            {
                case "hinge": sum += Math.Max(1 - (signed * p[i]), 0) / n; break;
                case "squared_hinge": sum += Math.Pow(Math.Max(1 - (signed * p[i]), 0), 2) / n; break;
                case "categorical_hinge": pos += t[i] * p[i]; neg = Math.Max(neg, (1 - t[i]) * p[i]); break;
                case "kl_divergence":
                    double a = Math.Clamp(t[i], Eps, 1), b = Math.Clamp(p[i], Eps, 1);
                    sum += a * Math.Log(a / b);
                    break;
                case "poisson": sum += (p[i] - (t[i] * Math.Log(p[i] + Eps))) / n; break;
                case "cosine_similarity": sum += t[i] * p[i]; tt += t[i] * t[i]; pp += p[i] * p[i]; break;
                default: sum += Math.Log(Math.Cosh(p[i] - t[i])) / n; break;
            }
        }

        return name switch
        {
            "categorical_hinge" => Math.Max(neg - pos + 1, 0),
            "cosine_similarity" => -sum / Math.Sqrt(tt) / Math.Sqrt(pp),
            _ => sum,
        };
    }
}
