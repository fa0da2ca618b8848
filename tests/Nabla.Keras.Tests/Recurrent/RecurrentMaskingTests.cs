namespace Nabla.Keras.Tests.Recurrent;

/// <summary>Masks from Embedding(maskZero) and Masking through recurrent layers, and stateful layers.</summary>
public class RecurrentMaskingTests
{
    // Token sequences padded with 0 on the right, on the left, and not at all.
    private static readonly int[][] s_tokens = [[3, 1, 4, 0, 0], [0, 0, 2, 7, 1], [5, 9, 2, 6, 5]];

    private static Tensor Padded() => Tf.Constant(s_tokens.SelectMany(t => t).ToArray(), new Shape(3, 5));

    private static Tensor Unpadded(int sample) => Tf.Constant(s_tokens[sample].Where(t => t != 0).ToArray(), new Shape(1, s_tokens[sample].Count(t => t != 0)));

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru_after")]
    [InlineData("gru_before")]
    [InlineData("simple")]
    public void EmbeddingMaskZero_RecurrentLayerSkipsPadding_AsIfUnpadded(string cell)
    {
        var model = new Sequential(new Embedding(10, 4, maskZero: true), RecurrentLayerTests.Make(cell, "last", dtype: DType.Float32));
        float[] padded = model.Apply(Padded()).ToArray<float>();
        for (int sample = 0; sample < 3; sample++)
        {
            float[] alone = model.Apply(Unpadded(sample)).ToArray<float>();
            for (int i = 0; i < RecurrentLayerTests.Units; i++)
            {
                Assert.Equal(alone[i], padded[(sample * RecurrentLayerTests.Units) + i], 6);
            }
        }
    }

    [Fact]
    public void StackedRecurrentLayers_PassTheMaskOn_WhenReturningSequences()
    {
        var model = new Sequential(
            new Embedding(10, 4, maskZero: true),
            new LSTM(6, returnSequences: true),
            new Dropout(0.5),
            new GRU(5));
        float[] padded = model.Apply(Padded()).ToArray<float>();
        for (int sample = 0; sample < 3; sample++)
        {
            float[] alone = model.Apply(Unpadded(sample)).ToArray<float>();
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(alone[i], padded[(sample * 5) + i], 6);
            }
        }
    }

    [Fact]
    public void Masks_TravelWithTheTensors_AsKerasComputeMaskSays()
    {
        var embedding = new Embedding(10, 4, maskZero: true);
        Tensor e = embedding.Apply(Padded());
        Tensor mask = Backend.GetKerasMask(e)!;
        Assert.Equal(s_tokens.SelectMany(t => t).Select(t => t != 0).ToArray(), mask.ToArray<bool>());

        var sequences = new LSTM(2, returnSequences: true);
        Assert.Same(mask, Backend.GetKerasMask(sequences.Apply(e)));
        Assert.Same(mask, Backend.GetKerasMask(new Dense(3).Apply(e)));
        Assert.Null(Backend.GetKerasMask(new LSTM(2).Apply(e)));
        Assert.Null(Backend.GetKerasMask(new Flatten().Apply(e)));
        Assert.Null(Backend.GetKerasMask(new Embedding(10, 4).Apply(Padded())));

        // An explicit mask wins over the attached one.
        Tensor all = Tf.Ones([3, 5], DType.Bool);
        Assert.Equal(sequences.Apply(Tf.Identity(e)).ToArray<float>(), sequences.Apply(e, mask: all).ToArray<float>());
    }

    [Fact]
    public void Masking_ZeroesAndMasksStepsOfMaskValue()
    {
        float[] values = [1, 2, -1, -1, 0, 3, -1, -1, 5, 6, -1, 0];
        Tensor x = Tf.Constant(values, new Shape(2, 3, 2));
        var masking = new Masking(-1);
        Tensor y = masking.Apply(x);
        Assert.Equal([1, 2, 0, 0, 0, 3, 0, 0, 5, 6, -1, 0], y.ToArray<float>());
        Assert.Equal([true, false, true, false, true, true], Backend.GetKerasMask(y)!.ToArray<bool>());

        var model = new Sequential(new Masking(-1), new SimpleRNN(3));
        float[] both = model.Apply(x).ToArray<float>();
        float[] first = model.Apply(Tf.Constant(new float[] { 1, 2, 0, 3 }, new Shape(1, 2, 2))).ToArray<float>();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(first[i], both[i], 6);
        }
        Assert.Throws<ArgumentException>(() => masking.Apply(Tf.Zeros([4])));
    }

    [Fact]
    public void Stateful_SecondCallStartsFromTheFirstCallsStates_UntilReset()
    {
        var stateful = new LSTM(4, stateful: true, returnSequences: true, dtype: DType.Float64);
        var plain = new LSTM(4, returnSequences: true, dtype: DType.Float64);
        Tensor x = Tf.Constant(RecurrentLayerTests.RandomValues(3, 2 * 6 * 3), new Shape(2, 6, 3));
        stateful.EnsureBuilt(x.Shape);
        plain.EnsureBuilt(x.Shape);
        plain.SetWeights(stateful.GetWeights());

        double[] whole = plain.Apply(x).ToArray<double>();
        Assert.Null(stateful.States);
        Tensor first = stateful.Apply(x[.., ..4]);
        Tensor second = stateful.Apply(x[.., 4..]);
        double[] joined = Tf.Concat([first, second], 1).ToArray<double>();
        RecurrentLayerTests.AssertClose(whole, joined, 1e-12);
        Assert.Equal(2, stateful.States!.Count);

        stateful.ResetStates();
        Assert.Null(stateful.States);
        Assert.Equal(first.ToArray<double>(), stateful.Apply(x[.., ..4]).ToArray<double>());
        var e = Assert.Throws<ArgumentException>(() => stateful.Apply(Tf.Zeros([3, 2, 3], DType.Float64)));
        Assert.Contains("Expected batch size: 2, received batch size: 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stateful_InSequential_BuildPassLeavesNoState_AndModelResetStates()
    {
        var gru = new GRU(3, stateful: true, inputShape: [4, 2]);
        var model = new Sequential(gru, new Dense(1));
        Assert.Null(gru.States);
        Tensor x = Tf.Ones([5, 4, 2]);
        float[] first = model.Apply(x).ToArray<float>();
        Assert.NotEqual(first, model.Apply(x).ToArray<float>());
        model.ResetStates();
        Assert.Equal(first, model.Apply(x).ToArray<float>());
    }

    [Fact]
    public void InitialState_FeedsTheFirstStep_AndStatesComeBack()
    {
        var lstm = new LSTM(3, dtype: DType.Float64);
        Tensor x = Tf.Constant(RecurrentLayerTests.RandomValues(8, 2 * 4 * 2), new Shape(2, 4, 2));
        Tensor[] fromZeros = lstm.ApplyWithStates(x);
        Assert.Equal(3, fromZeros.Length);
        Assert.Equal(fromZeros[0].ToArray<double>(), fromZeros[1].ToArray<double>()); // the output is the last h
        Tensor[] continued = lstm.ApplyWithStates(x, [fromZeros[1], fromZeros[2]]);
        Tensor[] twice = lstm.ApplyWithStates(Tf.Concat([x, x], 1));
        RecurrentLayerTests.AssertClose(twice[0].ToArray<double>(), continued[0].ToArray<double>(), 1e-12);
        RecurrentLayerTests.AssertClose(twice[2].ToArray<double>(), continued[2].ToArray<double>(), 1e-12);
    }
}
