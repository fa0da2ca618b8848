using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras.Tests;

public class RegularizerTests
{
    private static readonly float[,] s_w = { { 1, -2 }, { 3, -4 } };

    private static double Value(Tensor t) => Tf.Cast(t, DType.Float64).Item<double>();

    private static Tensor Sum(IReadOnlyList<Tensor> losses)
    {
        Tensor total = losses[0];
        for (int i = 1; i < losses.Count; i++)
        {
            total += losses[i];
        }

        return total;
    }

    private static double SumSquares(Tensor t)
    {
        double s = 0;
        foreach (float v in Tf.Cast(t, DType.Float32).ToArray<float>())
        {
            s += (double)v * v;
        }

        return s;
    }

    public static TheoryData<string, double> RegularizerCases => new()
    {
        { "l1", 0.01 * 10 },
        { "l2", 0.01 * 30 },
        { "l1_l2", (0.01 * 10) + (0.01 * 30) },
        { "L1", 0.01 * 10 },
        { "L2", 0.01 * 30 },
        { "L1L2", 0 },
    };

    [Theory]
    [MemberData(nameof(RegularizerCases))]
    public void Get_ByName_MatchesHandComputation(string name, double expected)
    {
        Tensor penalty = Regularizer.Get(name).Call(Tf.Constant(s_w));
        Assert.Equal(0, penalty.Rank);
        Assert.Equal(DType.Float32, penalty.DType);
        Assert.Equal(expected, Value(penalty), 1e-5);
    }

    [Fact]
    public void Regularizers_ExplicitFactors_MatchHandComputation()
    {
        Tensor w = Tf.Constant(new double[,] { { 1, -2 }, { 3, -4 } });
        Assert.Equal(0.5 * 10, Value(new L1(0.5).Call(w)), 12);
        Assert.Equal(0.25 * 30, Value(new L2(0.25).Call(w)), 12);
        Assert.Equal((0.5 * 10) + (0.25 * 30), Value(new L1L2(0.5, 0.25).Call(w)), 12);
        Assert.Equal(0.5 * 10, Value(new L1L2(l1: 0.5).Call(w)), 12);
        Assert.Equal(DType.Float64, new L2(0.25).Call(w).DType);
        Assert.Equal(DType.Float64, new L1L2().Call(w).DType);
        Assert.Equal(0.01, new L1().Factor);
        Assert.Equal(0.01, new L2().Factor);
        Assert.Equal((0.0, 0.0), (new L1L2().L1, new L1L2().L2));
    }

    [Fact]
    public void Regularizer_StringConversionAndErrors_AsKeras()
    {
        Regularizer fromString = "l2";
        Assert.IsType<L2>(fromString);
        var ex = Assert.Throws<ArgumentException>(() => Regularizer.Get("l3"));
        Assert.Contains("Could not interpret regularizer identifier: l3", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new L2(double.NaN));
        Assert.Throws<ArgumentException>(() => new L1(double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new L1L2(0, double.NegativeInfinity));
    }

    [Fact]
    public void DenseLosses_L2Kernel_EqualsFactorTimesSumOfSquares()
    {
        var dense = new Dense(3, kernelRegularizer: new L2(), inputShape: [4], kernelInitializer: new GlorotUniform(seed: 1));
        IReadOnlyList<Tensor> losses = dense.Losses;
        Assert.Single(losses);
        Assert.Equal(0.01 * SumSquares(dense.Kernel!), Value(losses[0]), 1e-6);

        // Computed from the current weights, not the ones at build time.
        dense.Kernel!.Assign(Tf.Fill(new Shape(4, 3), 2f, DType.Float32));
        Assert.Equal(0.01 * 4 * 12, Value(dense.Losses[0]), 1e-5);
    }

    [Fact]
    public void DenseLosses_KernelAndBiasByName_InCreationOrder()
    {
        var dense = new Dense(2, kernelRegularizer: "l1", biasRegularizer: "l2", inputShape: [2],
            kernelInitializer: new Constant(-1), biasInitializer: new Constant(3));
        Assert.Equal([0.01 * 4, 0.01 * 18], dense.Losses.Select(Value), new DoubleTolerance(1e-6));
        Assert.Empty(new Dense(2, inputShape: [2]).Losses);
    }

    [Fact]
    public void Gradient_TotalLossWithL2Kernel_IncludesTwiceFactorTimesKernel()
    {
        var model = new Sequential(
            new Dense(3, "tanh", kernelRegularizer: new L2(0.01), inputShape: [2], kernelInitializer: new GlorotUniform(seed: 2)),
            new Dense(1, kernelInitializer: new GlorotUniform(seed: 3)));
        Tensor x = Tf.Constant(new float[,] { { 0.5f, -1 }, { 2, 0.25f }, { -1.5f, 1 } });
        Tensor y = Tf.Constant(new float[,] { { 1 }, { -1 }, { 0.5f } });
        var kernel = (Variable)model.Variables[0];
        var loss = new MeanSquaredError();

        Tensor Total(bool regularized)
        {
            Tensor value = loss.Call(y, model.Apply(x, training: true));
            return regularized ? value + Sum(model.Losses) : value;
        }

        Tensor Grad(bool regularized)
        {
            var tape = new GradientTape();
            Tensor total;
            using (tape)
            {
                total = Total(regularized);
            }

            return tape.Gradient(total, [kernel])[0]!;
        }

        float[] withPenalty = Grad(true).ToArray<float>();
        float[] data = Grad(false).ToArray<float>();
        float[] w = kernel.ToArray<float>();
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(2 * 0.01 * w[i], withPenalty[i] - data[i], 1e-5);
        }

        // Central finite differences of the regularized total loss on one kernel entry.
        const double h = 1e-2;
        float[] original = kernel.ToArray<float>();
        for (int i = 0; i < w.Length; i++)
        {
            double[] values = new double[2];
            for (int side = 0; side < 2; side++)
            {
                float[] shifted = (float[])original.Clone();
                shifted[i] += (float)(side == 0 ? h : -h);
                kernel.Assign(Tf.Constant(shifted, kernel.Shape));
                values[side] = Value(Total(true));
            }

            // An absolute tolerance, not xunit's rounding precision: rounding makes 0.05049 vs 0.05052 fail.
            Assert.Equal((values[0] - values[1]) / (2 * h), withPenalty[i], 1e-3);
        }

        kernel.Assign(Tf.Constant(original, kernel.Shape));
    }

    private sealed class Block : Layer
    {
        private readonly Dense _first = new(2, kernelRegularizer: new L2(0.5), kernelInitializer: new Ones(), inputShape: [2]);
        private readonly List<Layer> _rest = [new Dense(1, biasRegularizer: new L1(2), biasInitializer: new Constant(-1.5), inputShape: [2])];

        public Block()
            : base("block") => AddLoss(() => Tf.Constant(7f));

        public override Tensor Call(Tensor inputs, bool training = false) => _rest[0].Apply(_first.Apply(inputs, training), training);
    }

    [Fact]
    public void Losses_NestedLayers_CollectedOwnFirstThenNestedInOrder()
    {
        var block = new Block();
        Assert.Equal([7, 0.5 * 4, 2 * 1.5], block.Losses.Select(Value), new DoubleTolerance(1e-6));
        var model = new Sequential(block, new Dense(1, kernelRegularizer: new L2(1), kernelInitializer: new Constant(2)));
        model.Apply(Tf.Ones([1, 2]));
        Assert.Equal([7, 0.5 * 4, 2 * 1.5, 4], model.Losses.Select(Value), new DoubleTolerance(1e-6));
    }

    [Fact]
    public void ActivityRegularizer_UsesOnlyLastCallsOutputs_DividedByBatch()
    {
        var dense = new Dense(2, useBias: false, activityRegularizer: new L1(0.1), kernelInitializer: new Ones(), inputShape: [2]);
        var model = new Sequential(dense);
        Assert.Empty(model.Losses); // the build call leaves none
        model.Apply(Tf.Constant(new float[,] { { 100, 100 } }));
        model.Apply(Tf.Constant(new float[,] { { 1, 2 }, { -3, 0.5f } }));

        // outputs [[3, 3], [-2.5, -2.5]]: 0.1 * 11 / batch 2.
        IReadOnlyList<Tensor> losses = model.Losses;
        Assert.Single(losses);
        Assert.Equal(0.1 * 11 / 2, Value(losses[0]), 1e-5);
        Assert.Equal(0.1 * 11 / 2, Value(Assert.Single(dense.Losses)), 1e-5);
    }

    [Fact]
    public void ActivityRegularizer_RecordedInTape_GradientFlowsToKernel()
    {
        var dense = new Dense(1, useBias: false, activityRegularizer: new L2(1), kernelInitializer: new Constant(2), inputShape: [1]);
        var tape = new GradientTape();
        Tensor total;
        using (tape)
        {
            dense.Apply(Tf.Constant(new float[,] { { 3 } }));
            total = Sum(dense.Losses);
        }

        // (3w)^2 -> d/dw = 18w = 36.
        Assert.Equal(36f, tape.Gradient(total, [dense.Kernel!])[0]!.ToArray<float>()[0], 1e-4);
    }

    private sealed class MeanPenalty : Layer
    {
        public override Tensor Call(Tensor inputs, bool training = false)
        {
            AddLoss(Tf.ReduceMean(inputs));
            AddLoss(inputs); // a non-scalar loss is summed
            return inputs;
        }
    }

    [Fact]
    public void AddLossTensor_KeepsOnlyTheLastCallsLosses()
    {
        var model = new Sequential(new MeanPenalty(), new Dense(1, kernelInitializer: new Ones(), inputShape: [2]));
        model.Apply(Tf.Constant(new float[,] { { 10, 20 } }));
        model.Apply(Tf.Constant(new float[,] { { 1, 2 }, { 3, 4 } }));
        Assert.Equal([2.5, 10], model.Losses.Select(Value), new DoubleTolerance(1e-6));
    }

    [Fact]
    public void ConvAndEmbedding_Regularizers_InLosses()
    {
        var conv = new Conv2D(2, [2, 2], kernelRegularizer: new L2(0.5), biasRegularizer: new L1(1), kernelInitializer: new Ones(),
            biasInitializer: new Constant(-0.5), inputShape: [3, 3, 1]);
        Assert.Equal([0.5 * 8, 1.0], conv.Losses.Select(Value), new DoubleTolerance(1e-6));
        var squareConv = new Conv2D(1, 1, kernelRegularizer: "l1", inputShape: [2, 2, 3]);
        Assert.Single(squareConv.Losses);
        var embedding = new Embedding(5, 2, new Constant(0.5), embeddingsRegularizer: new L1(0.2), inputShape: [3]);
        Assert.Equal(0.2 * 5, Value(Assert.Single(embedding.Losses)), 1e-6);
    }

    [Fact]
    public void TrainOnBatch_L2Kernel_UpdateIncludesPenaltyGradientAndReportedLoss()
    {
        // Zero inputs: the data loss has no kernel gradient, so SGD moves the kernel by -lr * 2 * l2 * w only.
        var model = new Sequential(new Dense(1, useBias: false, kernelRegularizer: new L2(0.1), kernelInitializer: new Constant(3), inputShape: [2]));
        model.Compile(new SGD(0.5), new MeanSquaredError());
        double reported = model.TrainOnBatch(Tf.Zeros([4, 2]), Tf.Fill(new Shape(4, 1), 2f, DType.Float32));
        Assert.Equal(4 + (0.1 * 18), reported, 5); // mse (0 - 2)^2 + 0.1 * (9 + 9)
        Assert.All(model.Variables[0].ToArray<float>(), v => Assert.Equal(3 - (0.5 * 2 * 0.1 * 3), v, 5));
        Assert.Equal(4 + (0.1 * 2 * 2.7 * 2.7), model.Evaluate(Tf.Zeros([4, 2]), Tf.Fill(new Shape(4, 1), 2f, DType.Float32)), 1e-4);
    }

    [Fact]
    public void Fit_WithL2_ShrinksWeightsComparedWithNone()
    {
        var random = new Random(42);
        var xs = new float[64, 3];
        var ys = new float[64, 1];
        for (int i = 0; i < 64; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                xs[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            ys[i, 0] = (3 * xs[i, 0]) - (2 * xs[i, 1]) + xs[i, 2];
        }

        Tensor x = Tf.Constant(xs);
        Tensor y = Tf.Constant(ys);

        (double Norm, IReadOnlyList<double> Loss) Train(Regularizer? regularizer)
        {
            var model = new Sequential(new Dense(1, kernelRegularizer: regularizer, kernelInitializer: new GlorotUniform(seed: 11), inputShape: [3]));
            model.Compile(new SGD(0.1), new MeanSquaredError());
            History history = model.Fit(x, y, epochs: 20, batchSize: 16, verbose: 0, seed: 5);
            return (SumSquares(model.Variables[0]), history.Loss);
        }

        (double plain, IReadOnlyList<double> plainLoss) = Train(null);
        (double shrunk, IReadOnlyList<double> shrunkLoss) = Train(new L2(0.1));
        Assert.True(shrunk < plain * 0.8, $"sum of squares with L2 {shrunk}, without {plain}");
        Assert.True(shrunkLoss[^1] > plainLoss[^1], $"reported loss with L2 {shrunkLoss[^1]}, without {plainLoss[^1]}");
    }
}
