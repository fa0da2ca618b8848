using Nabla.Keras.Losses;

namespace Nabla.Keras.Tests;

public class LossReductionTests
{
    private static readonly Tensor s_yTrue = Tf.Constant(new double[,] { { 0, 1 }, { 0, 0 } });
    private static readonly Tensor s_yPred = Tf.Constant(new double[,] { { 0.6, 0.4 }, { 0.4, 3.0 } });

    [Fact]
    public void Huber_HandComputed()
    {
        // errors: [0.6, 0.6], [0.4, 3.0]; delta 1: 0.5e^2 inside, 1*(e - 0.5) beyond.
        double row0 = ((0.5 * 0.36) + (0.5 * 0.36)) / 2;
        double row1 = ((0.5 * 0.16) + (3.0 - 0.5)) / 2;
        Assert.Equal((row0 + row1) / 2, new Huber().Call(s_yTrue, s_yPred).Item<double>(), 12);
        // delta 0.5: 0.6 > 0.5 -> 0.5*0.6 - 0.125 = 0.175.
        double d0 = (0.175 + 0.175) / 2, d1 = ((0.5 * 0.16) + ((0.5 * 3.0) - 0.125)) / 2;
        Assert.Equal((d0 + d1) / 2, new Huber(delta: 0.5).Call(s_yTrue, s_yPred).Item<double>(), 12);
        Assert.Equal("huber_loss", Loss.Get("huber").Name);
    }

    public static TheoryData<string> LossNames() =>
        ["mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy"];

    private static Loss Make(string name, Reduction reduction) => name switch
    {
        "mse" => new MeanSquaredError(reduction),
        "mae" => new MeanAbsoluteError(reduction),
        "huber" => new Huber(reduction: reduction),
        "binary_crossentropy" => new BinaryCrossentropy(reduction: reduction),
        _ => new CategoricalCrossentropy(reduction: reduction),
    };

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Reductions_NoneSumMean_AreConsistent(string name)
    {
        Tensor yPred = Tf.Constant(new double[,] { { 0.6, 0.4 }, { 0.3, 0.7 } });
        double[] none = Make(name, Reduction.None).Call(s_yTrue, yPred).ToArray<double>();
        Assert.Equal(2, none.Length);
        double sum = Make(name, Reduction.Sum).Call(s_yTrue, yPred).Item<double>();
        double mean = Make(name, Reduction.SumOverBatchSize).Call(s_yTrue, yPred).Item<double>();
        Assert.Equal(none[0] + none[1], sum, 12);
        Assert.Equal((none[0] + none[1]) / 2, mean, 12);
        Assert.Equal(Reduction.SumOverBatchSize, Loss.Get(name).Reduction);
    }

    [Fact]
    public void Reductions_NoneGivesPerSampleValues_SparseToo()
    {
        double[] mse = new MeanSquaredError(Reduction.None).Call(s_yTrue, s_yPred).ToArray<double>();
        Assert.Equal((0.36 + 0.36) / 2, mse[0], 12);
        Assert.Equal((0.16 + 9.0) / 2, mse[1], 12);
        var probs = Tf.Constant(new double[,] { { 0.2, 0.8 }, { 0.5, 0.5 } });
        double[] sparse = new SparseCategoricalCrossentropy(reduction: Reduction.None).Call(Tf.Constant(new[] { 1, 0 }), probs).ToArray<double>();
        Assert.Equal(-Math.Log(0.8), sparse[0], 1e-9);
        Assert.Equal(-Math.Log(0.5), sparse[1], 1e-9);
        Assert.Equal(-Math.Log(0.8) - Math.Log(0.5),
            new SparseCategoricalCrossentropy(reduction: Reduction.Sum).Call(Tf.Constant(new[] { 1, 0 }), probs).Item<double>(), 9);
        Assert.Throws<ArgumentException>(() => Loss.Get("nope"));
    }
}
