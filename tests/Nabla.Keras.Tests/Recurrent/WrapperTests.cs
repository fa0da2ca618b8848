namespace Nabla.Keras.Tests.Recurrent;

/// <summary>Bidirectional (merge modes, states, masks, weights) and TimeDistributed.</summary>
public class WrapperTests
{
    private const int Batch = 2, Time = 4, Features = 3, Units = RecurrentLayerTests.Units;

    private static Tensor Input() => Tf.Constant(RecurrentLayerTests.RandomValues(5, Batch * Time * Features), new Shape(Batch, Time, Features));

    [Theory]
    [InlineData("concat", false)]
    [InlineData("concat", true)]
    [InlineData("sum", true)]
    [InlineData("mul", false)]
    [InlineData("ave", true)]
    public void Bidirectional_MergeModes_CombineForwardAndTimeOrderedBackward(string mode, bool sequences)
    {
        var bi = new Bidirectional(new GRU(Units, returnSequences: sequences, dtype: DType.Float64), mode);
        Tensor x = Input();
        Tensor y = bi.Apply(x);
        (double[] forward, double[] backward) = Directions(bi, x, sequences, mask: null);
        double[] expected = mode switch
        {
            "concat" => Concat(forward, backward, sequences ? Batch * Time : Batch),
            "sum" => [.. forward.Zip(backward, (a, b) => a + b)],
            "mul" => [.. forward.Zip(backward, (a, b) => a * b)],
            _ => [.. forward.Zip(backward, (a, b) => (a + b) / 2)],
        };
        RecurrentLayerTests.AssertClose(expected, y.ToArray<double>(), 1e-12);
        int width = mode == "concat" ? 2 * Units : Units;
        Assert.Equal(sequences ? new Shape(Batch, Time, width) : new Shape(Batch, width), y.Shape);
    }

    [Fact]
    public void Bidirectional_MergeNullAndStates_ReturnWhatKerasReturns()
    {
        var bi = new Bidirectional(new LSTM(Units, returnSequences: true, returnState: true, dtype: DType.Float64), mergeMode: null);
        Tensor x = Input();
        Tensor[] all = bi.ApplyWithStates(x);
        Assert.Equal(6, all.Length); // forward output, backward output, forward h and c, backward h and c
        (double[] forward, double[] backward) = Directions(bi, x, sequences: true, mask: null);
        RecurrentLayerTests.AssertClose(forward, all[0].ToArray<double>(), 1e-12);
        RecurrentLayerTests.AssertClose(backward, all[1].ToArray<double>(), 1e-12);
        Tensor[] backwardAlone = bi.BackwardLayer.ApplyWithStates(x);
        Assert.Equal(backwardAlone[1].ToArray<double>(), all[4].ToArray<double>());
        Assert.Equal(backwardAlone[2].ToArray<double>(), all[5].ToArray<double>());
        Assert.Throws<InvalidOperationException>(() => bi.Apply(x));

        // Initial states: forward's then backward's.
        Tensor[] again = bi.ApplyWithStates(x, [all[2], all[3], all[4], all[5]]);
        Assert.Equal(bi.ForwardLayer.ApplyWithStates(x, [all[2], all[3]])[0].ToArray<double>(), again[0].ToArray<double>());
        Assert.Throws<ArgumentException>(() => bi.ApplyWithStates(x, [all[2]]));
    }

    [Fact]
    public void Bidirectional_Weights_AreForwardThenBackward_WithKerasNames()
    {
        Backend.ClearSession();
        var bi = new Bidirectional(new LSTM(5), inputShape: [7, 3]);
        Assert.Equal(
            ["forward_lstm/lstm_cell/kernel:0", "forward_lstm/lstm_cell/recurrent_kernel:0", "forward_lstm/lstm_cell/bias:0",
             "backward_lstm/lstm_cell/kernel:0", "backward_lstm/lstm_cell/recurrent_kernel:0", "backward_lstm/lstm_cell/bias:0"],
            bi.Variables.Select(v => v.Name));
        Assert.Equal(new Shape(3, 20), bi.Variables[3].Shape);
        Assert.True(bi.BackwardLayer.GoBackwards);
        Assert.False(bi.ForwardLayer.GoBackwards);
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(5), "max"));
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(5), backwardLayer: new LSTM(5)));
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(5), backwardLayer: new LSTM(5, goBackwards: true, returnSequences: true)));
    }

    [Fact]
    public void Bidirectional_MaskedSequences_OutputZerosAtMaskedSteps()
    {
        var bi = new Bidirectional(new SimpleRNN(Units, returnSequences: true, dtype: DType.Float64));
        Tensor x = Input();
        bool[] mask = [true, true, false, true, false, true, true, true];
        Tensor y = bi.Apply(x, mask: Tf.Constant(mask, new Shape(Batch, Time)));
        (double[] forward, double[] backward) = Directions(bi, x, sequences: true, mask);
        RecurrentLayerTests.AssertClose(Concat(forward, backward, Batch * Time), y.ToArray<double>(), 1e-12);
        double[] values = y.ToArray<double>();
        Assert.All(values.Skip(2 * 2 * Units).Take(2 * Units), v => Assert.Equal(0, v)); // sample 0, step 2
    }

    [Fact]
    public void Bidirectional_Gradients_MatchFiniteDifferences()
    {
        var bi = new Bidirectional(new LSTM(2, returnSequences: true, dtype: DType.Float64), "sum");
        var x = new Variable(Input(), name: "x");
        bi.EnsureBuilt(x.Shape);
        RecurrentLayerTests.Randomize(bi, 4);
        Tensor mask = Tf.Constant(new[] { true, false, true, true, true, true, true, false }, new Shape(Batch, Time));
        FiniteDifferences.Check(() => FiniteDifferences.Weighted(bi.Apply(x, mask: mask), 3), [.. bi.TrainableVariables, x], "bidirectional");
    }

    [Fact]
    public void TimeDistributed_AppliesTheLayerAtEveryStep_WithOneSetOfWeights()
    {
        var dense = new Dense(2, "tanh");
        var td = new TimeDistributed(dense, inputShape: [Time, Features]);
        Assert.Equal(new Shape(Features, 2), td.Variables[0].Shape);
        Tensor x = Tf.Cast(Input(), DType.Float32);
        Tensor y = td.Apply(x);
        Assert.Equal(new Shape(Batch, Time, 2), y.Shape);
        for (int t = 0; t < Time; t++)
        {
            float[] step = dense.Apply(Tf.Reshape(x[.., t..(t + 1)], [Batch, Features])).ToArray<float>();
            float[] fromTd = Tf.Reshape(y[.., t..(t + 1)], [Batch, 2]).ToArray<float>();
            for (int i = 0; i < step.Length; i++)
            {
                Assert.Equal(step[i], fromTd[i], 6);
            }
        }

        Tensor mask = Tf.Constant(new[,] { { true, false, true, true }, { true, true, true, false } });
        Assert.Same(mask, Backend.GetKerasMask(td.Apply(x, mask: mask)));
        Assert.Throws<ArgumentException>(() => td.Apply(x, mask: Tf.Ones([Batch, Time + 1], DType.Bool)));
        var e = Assert.Throws<ArgumentException>(() => new TimeDistributed(new Dense(2)).Apply(Tf.Zeros([2, 3])));
        Assert.Contains("at least 3 dimensions", e.Message, StringComparison.Ordinal);

        var model = new Sequential(new Embedding(10, 3, maskZero: true), new LSTM(4, returnSequences: true), new TimeDistributed(new Dense(5)));
        Assert.Equal(new Shape(2, 6, 5), model.Apply(Tf.Ones([2, 6], DType.Int32)).Shape);
    }

    // The two directions computed by the float64 reference from the wrapper's own layers' weights.
    private static (double[] Forward, double[] Backward) Directions(Bidirectional bi, Tensor x, bool sequences, bool[]? mask)
    {
        RecurrentLayer f = bi.ForwardLayer, b = bi.BackwardLayer;
        string cell = f switch { LSTM => "lstm", GRU g => g.ResetAfter ? "gru_after" : "gru_before", _ => "simple" };
        double[] xs = x.ToArray<double>();
        double[] Run(RecurrentLayer layer, bool backwards)
        {
            var options = new RnnReference.Options(cell, Units, GoBackwards: backwards, ZeroOutputForMask: sequences);
            (double[] outputs, double[][] states) = RnnReference.Run(options, xs, Batch, Time, Features, layer.Kernel!.ToArray<double>(),
                layer.RecurrentKernel!.ToArray<double>(), layer.Bias?.ToArray<double>(), mask);
            if (!sequences)
            {
                return states[0];
            }

            // The backward layer's sequence comes back in time order.
            var ordered = new double[outputs.Length];
            for (int s = 0; s < Batch; s++)
            {
                for (int t = 0; t < Time; t++)
                {
                    int from = backwards ? Time - 1 - t : t;
                    Array.Copy(outputs, ((s * Time) + from) * Units, ordered, ((s * Time) + t) * Units, Units);
                }
            }

            return ordered;
        }

        return (Run(f, false), Run(b, true));
    }

    private static double[] Concat(double[] a, double[] b, int rows)
    {
        var result = new List<double>();
        for (int r = 0; r < rows; r++)
        {
            result.AddRange(a.Skip(r * Units).Take(Units));
            result.AddRange(b.Skip(r * Units).Take(Units));
        }

        return [.. result];
    }
}
