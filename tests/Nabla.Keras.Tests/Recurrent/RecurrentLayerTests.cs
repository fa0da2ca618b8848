using Nabla.Keras.Initializers;

namespace Nabla.Keras.Tests.Recurrent;

/// <summary>SimpleRNN, LSTM and GRU against the float64 reference, Keras's own expected values, weights as Keras has them.</summary>
public class RecurrentLayerTests
{
    internal const int Batch = 3, Time = 5, Features = 4, Units = 3;

    public static TheoryData<string, string, string> ForwardCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (string cell in new[] { "simple", "lstm", "gru_after", "gru_before" })
            {
                foreach (string variant in new[] { "last", "sequences", "backwards", "masked", "masked_sequences", "initial_state", "no_bias", "float32" })
                {
                    data.Add(cell, variant, "tanh");
                }

                // Activations the fused ops do not have run step by step.
                data.Add(cell, "sequences", cell == "simple" ? "sigmoid" : "relu");
                data.Add(cell, "masked_sequences", "linear");
            }

            data.Add("simple", "masked_sequences", "relu");
            return data;
        }
    }

    /// <summary>Makes a layer of the given cell; <paramref name="variant"/> picks the options.</summary>
    internal static RecurrentLayer Make(string cell, string variant, string activation = "tanh", DType? dtype = null, string? name = null)
    {
        bool sequences = variant.Contains("sequences", StringComparison.Ordinal), backwards = variant == "backwards", bias = variant != "no_bias";
        DType d = dtype ?? (variant == "float32" ? DType.Float32 : DType.Float64);
        return cell switch
        {
            "simple" => new SimpleRNN(Units, activation, useBias: bias, returnSequences: sequences, goBackwards: backwards, dtype: d, name: name),
            "lstm" => new LSTM(Units, activation, useBias: bias, returnSequences: sequences, goBackwards: backwards, dtype: d, name: name),
            _ => new GRU(Units, activation, useBias: bias, returnSequences: sequences, goBackwards: backwards, resetAfter: cell == "gru_after",
                dtype: d, name: name),
        };
    }

    /// <summary>Seeded random weights for a built layer (the biases too, so that a misplaced bias shows).</summary>
    internal static void Randomize(Layer layer, int seed)
    {
        var random = new Random(seed);
        foreach (Variable v in layer.Variables)
        {
            double[] values = [.. Enumerable.Range(0, v.Size).Select(_ => (random.NextDouble() * 1.6) - 0.8)];
            v.Assign(Tf.Cast(Tf.Constant(values, v.Shape), v.DType));
        }
    }

    internal static double[] RandomValues(int seed, int count, double scale = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => ((random.NextDouble() * 2) - 1) * scale)];
    }

    internal static bool[] Mask(int batch, int time, int seed)
    {
        var random = new Random(seed);
        var mask = new bool[batch * time];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() > 0.35;
        }

        mask[0] = false; // a sample starting with a masked step outputs zeros there
        return mask;
    }

    internal static double[] Doubles(Tensor t) => Tf.Cast(t, DType.Float64).ToArray<double>();

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Recurrent_Forward_MatchesFloat64Reference(string cell, string variant, string activation)
    {
        RecurrentLayer layer = Make(cell, variant, activation);
        DType dtype = variant == "float32" ? DType.Float32 : DType.Float64;
        double[] xs = RandomValues(1, Batch * Time * Features, 1.5);
        Tensor x = Tf.Cast(Tf.Constant(xs, new Shape(Batch, Time, Features)), dtype);
        layer.EnsureBuilt(x.Shape);
        Randomize(layer, 2);

        bool[]? mask = variant.StartsWith("masked", StringComparison.Ordinal) ? Mask(Batch, Time, 3) : null;
        double[][]? initial = variant == "initial_state"
            ? [.. Enumerable.Range(0, layer.StateCount).Select(s => RandomValues(4 + s, Batch * Units))]
            : null;
        Tensor[] outputs = layer.ApplyWithStates(x, initial?.Select(v => Tf.Cast(Tf.Constant(v, new Shape(Batch, Units)), dtype)).ToList(),
            mask: mask is null ? null : Tf.Constant(mask, new Shape(Batch, Time)));

        var options = new RnnReference.Options(cell, Units, activation, GoBackwards: variant == "backwards");
        (double[] expected, double[][] states) = RnnReference.Run(options, xs, Batch, Time, Features, Doubles(layer.Kernel!),
            Doubles(layer.RecurrentKernel!), layer.Bias is null ? null : Doubles(layer.Bias), mask, initial);
        double tolerance = dtype == DType.Float32 ? 2e-5 : 1e-12;
        if (layer.ReturnSequences)
        {
            Assert.Equal(new Shape(Batch, Time, Units), outputs[0].Shape);
            AssertClose(expected, Doubles(outputs[0]), tolerance);
        }
        else
        {
            Assert.Equal(new Shape(Batch, Units), outputs[0].Shape);
            double[] last = [.. Enumerable.Range(0, Batch).SelectMany(b => expected.Skip(((b * Time) + Time - 1) * Units).Take(Units))];
            AssertClose(last, Doubles(outputs[0]), tolerance);
        }

        Assert.Equal(1 + layer.StateCount, outputs.Length);
        for (int s = 0; s < layer.StateCount; s++)
        {
            AssertClose(states[s], Doubles(outputs[1 + s]), tolerance);
        }

        Assert.Equal(dtype, outputs[0].DType);
    }

    // Expected values from Keras 3's own tests (keras/src/layers/rnn/*_test.py, test_correctness): constant
    // initializers 0.01 / 0.02 / 0.03 on np.arange inputs. The LSTM's unit forget bias makes its forget gate's bias 1.
    [Theory]
    [InlineData("lstm", false, false, new[] { 0.6288687, 0.86899155, 0.9460773 })]
    [InlineData("lstm", true, false, new[] { 0.35622165, 0.74789524, 0.8872726 })]
    [InlineData("lstm", false, true, new[] { 0.57019705, 0.8661914, 0.9459622 })]
    [InlineData("gru_after", false, false, new[] { 0.5217289, 0.6371659, 0.39384964 })]
    [InlineData("gru_after", true, false, new[] { 0.24406259, 0.611516, 0.3928808 })]
    [InlineData("gru_before", false, false, new[] { 0.51447755, 0.6426879, 0.40208298 })]
    public void Recurrent_ConstantWeights_MatchKerasExpectedValues(string cell, bool goBackwards, bool noForgetBias, double[] expected)
    {
        (Initializer k, Initializer r, Initializer b) = (new Constant(0.01), new Constant(0.02), new Constant(0.03));
        RecurrentLayer layer = cell == "lstm"
            ? new LSTM(3, kernelInitializer: k, recurrentInitializer: r, biasInitializer: b, unitForgetBias: !noForgetBias, goBackwards: goBackwards)
            : new GRU(3, kernelInitializer: k, recurrentInitializer: r, biasInitializer: b, goBackwards: goBackwards, resetAfter: cell == "gru_after");
        Tensor x = Tf.Reshape(Tf.Cast(Tf.Range(72), DType.Float32), [3, 6, 4]);
        float[] output = layer.Apply(x).ToArray<float>();
        for (int sample = 0; sample < 3; sample++)
        {
            for (int unit = 0; unit < 3; unit++)
            {
                Assert.Equal(expected[sample], output[(sample * 3) + unit], 5);
            }
        }
    }

    [Theory]
    [InlineData(false, new[] { 0.405432, 0.73605347 })]
    [InlineData(true, new[] { 0.11144729, 0.5528889 })]
    public void SimpleRNN_ConstantWeights_MatchKerasExpectedValues(bool goBackwards, double[] expected)
    {
        var layer = new SimpleRNN(4, kernelInitializer: new Constant(0.01), recurrentInitializer: new Constant(0.02),
            biasInitializer: new Constant(0.03), goBackwards: goBackwards);
        float[] output = layer.Apply(Tf.Reshape(Tf.Cast(Tf.Range(24), DType.Float32), [2, 3, 4])).ToArray<float>();
        Assert.Equal(expected[0], output[0], 5);
        Assert.Equal(expected[1], output[7], 5);
    }

    [Fact]
    public void LSTM_Masking_MatchesKerasExpectedValues()
    {
        var layer = new LSTM(2, kernelInitializer: new Constant(0.01), recurrentInitializer: new Constant(0.02),
            biasInitializer: new Constant(0.03), returnSequences: true);
        Tensor x = Tf.Reshape(Tf.Cast(Tf.Range(24), DType.Float32), [2, 4, 3]);
        Tensor mask = Tf.Constant(new[,] { { true, true, true, false }, { true, true, false, false } });
        float[] y = layer.Apply(x, mask: mask).ToArray<float>();
        double[] sample0 = [0.01588910, 0.05552048, 0.11755939, 0.11755939], sample1 = [0.14185596, 0.28556206, 0.28556206, 0.28556206];
        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(sample0[t], y[t * 2], 5);
            Assert.Equal(sample1[t], y[8 + (t * 2)], 5);
        }
    }

    [Theory]
    [InlineData("simple", "simple_rnn", "simple_rnn_cell", 1, new[] { 3 })]
    [InlineData("lstm", "lstm", "lstm_cell", 4, new[] { 12 })]
    [InlineData("gru_after", "gru", "gru_cell", 3, new[] { 2, 9 })]
    [InlineData("gru_before", "gru", "gru_cell", 3, new[] { 9 })]
    public void Recurrent_Weights_HaveKerasNamesShapesAndOrder(string cell, string layerName, string cellName, int gates, int[] biasShape)
    {
        Backend.ClearSession();
        RecurrentLayer layer = Make(cell, "last", dtype: DType.Float32);
        layer.EnsureBuilt(new Shape(2, 5, 7));
        Assert.Equal([$"{layerName}/{cellName}/kernel:0", $"{layerName}/{cellName}/recurrent_kernel:0", $"{layerName}/{cellName}/bias:0"],
            layer.Variables.Select(v => v.Name));
        Assert.Equal(new Shape(7, gates * Units), layer.Variables[0].Shape);
        Assert.Equal(new Shape(Units, gates * Units), layer.Variables[1].Shape);
        Assert.Equal(new Shape(biasShape), layer.Variables[2].Shape);
        Assert.Equal(new Shape(Units, gates * Units), layer.RecurrentKernel!.Shape);
    }

    [Fact]
    public void Recurrent_DefaultInitializers_GlorotKernelOrthogonalRecurrentUnitForgetBias()
    {
        var lstm = new LSTM(8, inputShape: [5, 6]);
        float[] bias = lstm.Bias!.ToArray<float>();
        Assert.Equal([.. Enumerable.Repeat(0f, 8), .. Enumerable.Repeat(1f, 8), .. Enumerable.Repeat(0f, 16)], bias);

        // The recurrent kernel (8, 32) has orthonormal rows: U · Uᵀ = I.
        Tensor u = Tf.Cast(lstm.RecurrentKernel!, DType.Float64);
        double[] gram = Tf.MatMul(u, u, transposeB: true).ToArray<double>();
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                Assert.Equal(i == j ? 1 : 0, gram[(i * 8) + j], 5);
            }
        }

        // Glorot uniform: |w| <= sqrt(6 / (6 + 32)).
        Assert.All(lstm.Kernel!.ToArray<float>(), w => Assert.InRange(Math.Abs(w), 0, Math.Sqrt(6.0 / 38)));
        Assert.Equal(new float[32], new LSTM(8, unitForgetBias: false, inputShape: [5, 6]).Bias!.ToArray<float>());
        Assert.Equal(new float[2 * 24], new GRU(8, inputShape: [5, 6]).Bias!.ToArray<float>());
    }

    [Fact]
    public void Orthogonal_TallWideAndSquare_AreOrthogonalTimesGain()
    {
        foreach ((int rows, int cols) in new[] { (6, 3), (3, 6), (4, 4) })
        {
            Tensor q = new Orthogonal(gain: 2, seed: 5).Initialize(new Shape(rows, cols), DType.Float64);
            bool tall = rows >= cols;
            double[] gram = Tf.MatMul(q, q, transposeA: tall, transposeB: !tall).ToArray<double>();
            int n = Math.Min(rows, cols);
            for (int i = 0; i < n * n; i++)
            {
                Assert.Equal(i % (n + 1) == 0 ? 4 : 0, gram[i], 10);
            }
        }

        Assert.Throws<ArgumentException>(() => new Orthogonal().Initialize(new Shape(4), DType.Float32));
    }

    [Fact]
    public void Recurrent_Dropout_DropsTheSameFeaturesAtEveryStep_OnlyInTraining()
    {
        var layer = new LSTM(4, dropout: 0.5, seed: 3, returnSequences: true, dtype: DType.Float64);
        var x = new Variable(Tf.Constant(RandomValues(6, 8 * 5 * 6), new Shape(8, 5, 6)));
        Tensor inference = layer.Apply(x);
        var plain = new LSTM(4, returnSequences: true, dtype: DType.Float64);
        plain.EnsureBuilt(x.Shape);
        plain.SetWeights(layer.GetWeights());
        Assert.Equal(plain.Apply(x).ToArray<double>(), inference.ToArray<double>());

        double[] grad;
        using (var tape = new GradientTape())
        {
            Tensor y = layer.Apply(x, training: true);
            Assert.NotEqual(inference.ToArray<double>(), y.ToArray<double>());
            grad = tape.Gradient(Tf.ReduceSum(y), x)!.ToArray<double>();
        }

        // A dropped feature of a sample gets no gradient at any step; a kept one at every step.
        int dropped = 0;
        for (int b = 0; b < 8; b++)
        {
            for (int f = 0; f < 6; f++)
            {
                int zeros = Enumerable.Range(0, 5).Count(t => grad[(((b * 5) + t) * 6) + f] == 0);
                Assert.True(zeros is 0 or 5, $"sample {b} feature {f}: {zeros} of 5 steps without gradient");
                dropped += zeros == 5 ? 1 : 0;
            }
        }

        Assert.InRange(dropped, 8, 40);
    }

    [Fact]
    public void Recurrent_BadInputs_ThrowNamingTheLayerAndShapes()
    {
        Backend.ClearSession();
        var lstm = new LSTM(4, inputShape: [5, 3]);
        var e = Assert.Throws<ArgumentException>(() => lstm.Apply(Tf.Zeros([2, 5, 2])));
        Assert.Contains("LSTM lstm", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 5, 2)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new GRU(4).Apply(Tf.Zeros([2, 5])));
        Assert.Contains("(batch, time, features)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => lstm.ApplyWithStates(Tf.Zeros([2, 5, 3]), [Tf.Zeros([2, 4])]));
        Assert.Contains("2 initial state", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => lstm.ApplyWithStates(Tf.Zeros([2, 5, 3]), [Tf.Zeros([2, 4]), Tf.Zeros([3, 4])]));
        Assert.Contains("(3, 4)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => lstm.Apply(Tf.Zeros([2, 5, 3]), mask: Tf.Ones([2, 4], DType.Bool)));
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LSTM(0));
        Assert.Throws<ArgumentException>(() => new GRU(3, activation: "nope"));
        Assert.Throws<ArgumentException>(() => new SimpleRNN(3, dropout: 1));
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
