using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

[Collection(RandomTests.SeedCollection)]
public class NnOpTests
{
    public static TheoryData<string, int> SoftmaxCases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string dtype in new[] { "float32", "float64", "float16", "bfloat16" })
            {
                foreach (int axis in new[] { -1, 0, 1 })
                {
                    data.Add(dtype, axis);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void Softmax_AndLogSoftmax_MatchReference(string dtypeName, int axis)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor x64 = GradientCheck.RandomInputs(1, [[3, 4, 5]], -3, 3)[0];
        Tensor x = Tf.Cast(x64, dtype);
        double[] v = AssertTensor.ToDoubles(x);
        int a = axis < 0 ? 2 : axis;
        int[] dims = [3, 4, 5];
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++)
        {
            outer *= dims[i];
        }

        for (int i = a + 1; i < 3; i++)
        {
            inner *= dims[i];
        }

        var soft = new double[v.Length];
        var logSoft = new double[v.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int j = 0; j < dims[a]; j++)
                {
                    max = System.Math.Max(max, v[(((o * dims[a]) + j) * inner) + i]);
                }

                for (int j = 0; j < dims[a]; j++)
                {
                    sum += System.Math.Exp(v[(((o * dims[a]) + j) * inner) + i] - max);
                }

                for (int j = 0; j < dims[a]; j++)
                {
                    int at = (((o * dims[a]) + j) * inner) + i;
                    soft[at] = System.Math.Exp(v[at] - max) / sum;
                    logSoft[at] = v[at] - max - System.Math.Log(sum);
                }
            }
        }

        double tol = AssertTensor.Tolerance(dtype) * 5;
        AssertTensor.Close(soft, Tf.Nn.Softmax(x, axis), new Shape(3, 4, 5), tol);
        AssertTensor.Close(logSoft, Tf.Nn.LogSoftmax(x, axis), new Shape(3, 4, 5), tol * 4);
        Assert.Equal(dtype, Tf.Nn.Softmax(x, axis).DType);
    }

    [Fact]
    public void Softmax_RowsSumToOne_AndLargeLogitsGiveNoNaN()
    {
        Tensor x = GradientCheck.RandomInputs(2, [[6, 9]], -5, 5)[0];
        AssertTensor.Close(Enumerable.Repeat(1.0, 6).ToArray(), Tf.ReduceSum(Tf.Nn.Softmax(x), 1), new Shape(6), 1e-12);
        Tensor big = Tf.Constant(new[] { 1000f, 0f, -1000f, 1000f });
        AssertTensor.Close([0.5, 0, 0, 0.5], Tf.Nn.Softmax(big), new Shape(4));
        AssertTensor.Close([-System.Math.Log(2), -1000 - System.Math.Log(2), -2000 - System.Math.Log(2), -System.Math.Log(2)], Tf.Nn.LogSoftmax(big), new Shape(4));
        Tensor special = Tf.Constant(new[] { 0f, float.NegativeInfinity, float.NaN, 1f }, [2, 2]);
        AssertTensor.Close([1, 0, double.NaN, double.NaN], Tf.Nn.Softmax(special), new Shape(2, 2));
        AssertTensor.Close([1, double.NaN, 0, double.NaN], Tf.Nn.Softmax(Tf.Transpose(special), 0), new Shape(2, 2));
        Tensor loss = Tf.Nn.SoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 0f, 1f, 0f, 0f }), big);
        Assert.False(float.IsNaN(loss.Item<float>()));
        Tensor sigmoid = Tf.Nn.SigmoidCrossEntropyWithLogits(Tf.Constant(new[] { 1f, 0f }), Tf.Constant(new[] { -1000f, 1000f }));
        AssertTensor.Close([1000, 1000], sigmoid, new Shape(2));
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_Gradients_MatchFiniteDifferences()
    {
        Tensor[] x = GradientCheck.RandomInputs(3, [[3, 4]]);
        foreach (int axis in new[] { -1, 0 })
        {
            GradientCheck.FirstOrder(v => Tf.Nn.Softmax(v[0], axis), x);
            GradientCheck.SecondOrder(v => Tf.Nn.Softmax(v[0], axis), x);
            GradientCheck.FirstOrder(v => Tf.Nn.LogSoftmax(v[0], axis), x);
            GradientCheck.SecondOrder(v => Tf.Nn.LogSoftmax(v[0], axis), x);
        }
    }

    [Fact]
    public void CrossEntropies_MatchReferenceAndGradients()
    {
        Tensor logits = Tf.Constant(new double[] { 1, 2, 3, -1, 0, 4 }, [2, 3]);
        Tensor labels = Tf.Constant(new double[] { 0.2, 0.3, 0.5, 0, 0, 1 }, [2, 3]);
        double lse0 = System.Math.Log(System.Math.Exp(1) + System.Math.Exp(2) + System.Math.Exp(3));
        double lse1 = System.Math.Log(System.Math.Exp(-1) + System.Math.Exp(0) + System.Math.Exp(4));
        double[] expected = [-((0.2 * (1 - lse0)) + (0.3 * (2 - lse0)) + (0.5 * (3 - lse0))), -(4 - lse1)];
        AssertTensor.Close(expected, Tf.Nn.SoftmaxCrossEntropyWithLogits(labels, logits), new Shape(2));
        AssertTensor.Close([-(2 - lse0), -(4 - lse1)], Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 1, 2 }), logits), new Shape(2));
        AssertTensor.Close([-(2 - lse0), -(4 - lse1)], Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 1L, 2L }), logits), new Shape(2));

        double[] z = [0, 1, 0.3, 1, 0.5, 0];
        double[] xs = [1, 2, 3, -1, 0, 4];
        var sig = new double[6];
        for (int i = 0; i < 6; i++)
        {
            double p = 1 / (1 + System.Math.Exp(-xs[i]));
            sig[i] = -((z[i] * System.Math.Log(p)) + ((1 - z[i]) * System.Math.Log(1 - p)));
        }

        AssertTensor.Close(sig, Tf.Nn.SigmoidCrossEntropyWithLogits(Tf.Constant(z, [2, 3]), logits), new Shape(2, 3), 1e-10);

        Tensor[] x = GradientCheck.RandomInputs(4, [[3, 5]]);
        Tensor soft = Tf.Nn.Softmax(GradientCheck.RandomInputs(5, [[3, 5]])[0]);
        Tensor sparse = Tf.Constant(new[] { 4, 0, 2 });
        Tensor binary = GradientCheck.RandomInputs(6, [[3, 5]], 0, 1)[0];
        Func<Tensor[], Tensor>[] losses =
        [
            v => Tf.Nn.SoftmaxCrossEntropyWithLogits(soft, v[0]),
            v => Tf.Nn.SoftmaxCrossEntropyWithLogits(Tf.Transpose(soft), Tf.Transpose(v[0]), axis: 0),
            v => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(sparse, v[0]),
            v => Tf.Nn.SigmoidCrossEntropyWithLogits(binary, v[0]),
        ];
        foreach (Func<Tensor[], Tensor> loss in losses)
        {
            GradientCheck.FirstOrder(loss, x);
            GradientCheck.SecondOrder(loss, x);
        }
    }

    [Fact]
    public void CrossEntropies_BadInputs_Throw()
    {
        Tensor logits = Tf.Zeros([2, 3]);
        var e = Assert.Throws<ArgumentException>(() => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 0, 3 }), logits));
        Assert.Contains("SparseSoftmaxCrossEntropyWithLogits", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { -1, 0 }), logits));
        Assert.Throws<ArgumentException>(() => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 0f, 0f }), logits));
        Assert.Throws<ArgumentException>(() => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(Tf.Constant(new[] { 0, 1, 2 }), logits));
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.SoftmaxCrossEntropyWithLogits(Tf.Zeros([2, 2]), logits));
        Assert.Contains("SoftmaxCrossEntropyWithLogits", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Softmax(Tf.Constant(new[] { 1, 2 })));
        Assert.Contains("Softmax", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Softmax(logits, 2));
        Assert.Contains("Softmax", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_ScalesKeptValues_AndRejectsBadRates()
    {
        Tensor x = Tf.Ones([100, 100]);
        double[] y = AssertTensor.ToDoubles(Tf.Nn.Dropout(x, 0.25, seed: 3));
        int kept = y.Count(v => v != 0);
        Assert.All(y, v => Assert.True(v == 0 || System.Math.Abs(v - (1 / 0.75)) < 1e-6));
        Assert.InRange(kept / 10000.0, 0.73, 0.77);
        Tf.Random.SetSeed(5);
        double[] first = AssertTensor.ToDoubles(Tf.Nn.Dropout(x, 0.5));
        Tf.Random.SetSeed(5);
        Assert.Equal(first, AssertTensor.ToDoubles(Tf.Nn.Dropout(x, 0.5)));
        AssertTensor.Close(x, Tf.Nn.Dropout(x, 0));
        foreach (double rate in new[] { -0.1, 1.0, 1.5, double.NaN })
        {
            var e = Assert.Throws<ArgumentException>(() => Tf.Nn.Dropout(x, rate));
            Assert.Contains("Dropout", e.Message, StringComparison.Ordinal);
        }

        Tensor[] inputs = GradientCheck.RandomInputs(7, [[4, 5]]);
        GradientCheck.FirstOrder(
            v =>
            {
                Tf.Random.SetSeed(9); // the same mask on every evaluation
                return Tf.Nn.Dropout(v[0], 0.5, seed: 1);
            },
            inputs);
    }

    [Fact]
    public void Dropout_NoiseShape_SharesOneDrawAlongUnitAxes_AndRejectsOtherShapes()
    {
        // (batch 50, steps 8, channels 20) with noise (50, 1, 20): each (sample, channel) column is kept or dropped whole.
        Tensor x = Tf.Ones([50, 8, 20]);
        double[] y = AssertTensor.ToDoubles(Tf.Nn.Dropout(x, 0.4, seed: 2, noiseShape: [50, 1, 20]));
        int droppedColumns = 0;
        for (int n = 0; n < 50; n++)
        {
            for (int c = 0; c < 20; c++)
            {
                double first = y[(n * 160) + c];
                Assert.True(first == 0 || System.Math.Abs(first - (1 / 0.6)) < 1e-6);
                for (int t = 1; t < 8; t++)
                {
                    Assert.Equal(first, y[(n * 160) + (t * 20) + c]);
                }

                droppedColumns += first == 0 ? 1 : 0;
            }
        }

        Assert.InRange(droppedColumns / 1000.0, 0.34, 0.46);
        var e = Assert.Throws<ArgumentException>(() => Tf.Nn.Dropout(x, 0.5, noiseShape: [50, 2, 20]));
        Assert.Contains("noise_shape (50, 2, 20)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Nn.Dropout(x, 0.5, noiseShape: [50, 20]));
    }

    [Theory]
    [InlineData(new[] { 0 }, false)]
    [InlineData(new[] { 0, 2 }, false)]
    [InlineData(new[] { -1 }, true)]
    [InlineData(new[] { 0, 1, 2 }, true)]
    public void Moments_MatchReference_AndGradients(int[] axes, bool keepdims)
    {
        var shape = new Shape(3, 4, 2);
        Tensor[] inputs = GradientCheck.RandomInputs(21, [shape]);
        double[] x = inputs[0].ToArray<double>();
        int[] normalized = [.. axes.Select(a => a < 0 ? a + 3 : a)];
        var groups = new Dictionary<string, List<double>>();
        var order = new List<string>();
        for (int i = 0; i < x.Length; i++)
        {
            int[] at = [i / 8, (i / 2) % 4, i % 2];
            string key = string.Join(",", Enumerable.Range(0, 3).Where(d => !normalized.Contains(d)).Select(d => at[d]));
            if (!groups.TryGetValue(key, out List<double>? g))
            {
                groups[key] = g = [];
                order.Add(key);
            }

            g.Add(x[i]);
        }

        double[] mean = [.. order.Select(k => groups[k].Average())];
        double[] variance = [.. order.Select(k => groups[k].Select(v => (v - groups[k].Average()) * (v - groups[k].Average())).Average())];
        int[] outDims = [.. Enumerable.Range(0, 3).Select(d => normalized.Contains(d) ? 1 : shape[d]).Where((v, d) => keepdims || !normalized.Contains(d))];
        (Tensor m, Tensor v) = Tf.Nn.Moments(inputs[0], axes, keepdims);
        AssertTensor.Close(mean, m, new Shape(outDims), 1e-12);
        AssertTensor.Close(variance, v, new Shape(outDims), 1e-12);
        (Tensor m16, Tensor v16) = Tf.Nn.Moments(Tf.Cast(inputs[0], DType.Float16), axes, keepdims);
        Assert.Equal(DType.Float16, m16.DType);
        AssertTensor.Close(variance, v16, new Shape(outDims), 5e-3);

        GradientCheck.FirstOrder(t => Tf.Nn.Moments(t[0], axes, keepdims).Variance, inputs);
        GradientCheck.SecondOrder(t => Tf.Nn.Moments(t[0], axes, keepdims).Variance, inputs);
        GradientCheck.SecondOrder(t => Tf.Square(Tf.Nn.Moments(t[0], axes, keepdims).Mean), inputs);
    }

    [Fact]
    public void Moments_BadArguments_ThrowNamingMoments()
    {
        var badAxis = Assert.Throws<ArgumentException>(() => Tf.Nn.Moments(Tf.Zeros([2, 3]), [2]));
        Assert.Contains("Moments", badAxis.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", badAxis.Message, StringComparison.Ordinal);
        var ints = Assert.Throws<ArgumentException>(() => Tf.Nn.Moments(Tf.Zeros([2, 3], DType.Int32), [0]));
        Assert.Contains("int32", ints.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchNormalization_MatchesFormula_AndGradients()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(22, [[4, 3], [3], [3], [3], [3]]);
        inputs[2] = Tf.Add(Tf.Abs(inputs[2]), 0.5);
        double[] x = inputs[0].ToArray<double>(), mean = inputs[1].ToArray<double>(), variance = inputs[2].ToArray<double>();
        double[] offset = inputs[3].ToArray<double>(), scale = inputs[4].ToArray<double>();
        const double Epsilon = 1e-3;
        double[] expected = [.. x.Select((v, i) => (scale[i % 3] * (v - mean[i % 3]) / Math.Sqrt(variance[i % 3] + Epsilon)) + offset[i % 3])];
        AssertTensor.Close(expected, Tf.Nn.BatchNormalization(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], Epsilon), new Shape(4, 3), 1e-12);
        double[] bare = [.. x.Select((v, i) => (v - mean[i % 3]) / Math.Sqrt(variance[i % 3] + Epsilon))];
        AssertTensor.Close(bare, Tf.Nn.BatchNormalization(inputs[0], inputs[1], inputs[2], null, null, Epsilon), new Shape(4, 3), 1e-12);

        Tensor F(Tensor[] t) => Tf.Nn.BatchNormalization(t[0], t[1], t[2], t[3], t[4], Epsilon);
        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs, 1e-4);

        // Normalizing with the batch's own moments: mean 0 and variance 1 per column (up to epsilon).
        (Tensor m, Tensor v) = Tf.Nn.Moments(inputs[0], [0]);
        Tensor normalized = Tf.Nn.BatchNormalization(inputs[0], m, v, null, null, 0);
        AssertTensor.Close([0, 0, 0], Tf.ReduceMean(normalized, 0), null, 1e-12);
        AssertTensor.Close([1, 1, 1], Tf.ReduceVariance(normalized, 0), null, 1e-12);
    }

    [Fact]
    public void BatchNormalization_MixedDTypes_ThrowsNamingOp()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Tf.Nn.BatchNormalization(Tf.Zeros([2, 3]), Tf.Zeros([3], DType.Float64), Tf.Ones([3]), null, null, 1e-3));
        Assert.Contains("BatchNormalization", error.Message, StringComparison.Ordinal);
        Assert.Contains("float64", error.Message, StringComparison.Ordinal);
    }
}
