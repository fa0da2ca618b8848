using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>MultiHeadAttention: Keras's weight shapes, values and masks against a float64 loop reference, gradients, tracing.</summary>
public class MultiHeadAttentionTests
{
    [Fact]
    public void MultiHeadAttention_Weights_HaveKerasShapesAndOrder()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3);
        Tensor output = mha.Apply(Tf.Ones(new Shape(2, 4, 5)), Tf.Ones(new Shape(2, 6, 7)));
        Assert.Equal([2, 4, 5], output.Shape.ToArray());
        int[][] expected = [[5, 2, 3], [2, 3], [7, 2, 3], [2, 3], [7, 2, 3], [2, 3], [2, 3, 5], [5]];
        Assert.Equal(expected, mha.Variables.Select(v => v.Shape.ToArray()));
        string[] names = ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias"];
        Assert.Equal(names.Select(n => n + ":0"), mha.Variables.Select(v => v.Name));
        Assert.Equal("abc,cde->abde", mha.QueryDense!.Equation);
        Assert.Equal("abcd,cde->abe", mha.OutputDense!.Equation);

        // valueDim, outputShape, a key of its own width, no biases.
        var wide = new MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 4, outputShape: [8], useBias: false);
        output = wide.Apply(Tf.Ones(new Shape(2, 4, 5)), Tf.Ones(new Shape(2, 6, 7)), key: Tf.Ones(new Shape(2, 6, 9)));
        Assert.Equal([2, 4, 8], output.Shape.ToArray());
        Assert.Equal([[5, 2, 3], [9, 2, 3], [7, 2, 4], [2, 4, 8]], wide.Variables.Select(v => v.Shape.ToArray()));

        // An output of two axes: the output projection's kernel is (heads, valueDim, 2, 3).
        var shaped = new MultiHeadAttention(numHeads: 2, keyDim: 3, outputShape: [2, 3]);
        Assert.Equal([2, 4, 2, 3], shaped.Apply(Tf.Ones(new Shape(2, 4, 5)), Tf.Ones(new Shape(2, 4, 5))).Shape.ToArray());
        Assert.Equal([2, 3, 2, 3], shaped.OutputDense!.Kernel!.Shape.ToArray());
        Assert.Equal([2, 3], shaped.OutputDense.Bias!.Shape.ToArray());
    }

    public static TheoryData<string> MaskCases => ["none", "attention_mask", "causal", "padding", "all", "separate_key"];

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void MultiHeadAttention_OutputAndScores_MatchTheFloat64Reference(string masks)
    {
        const int batch = 2, t = 4, dim = 3;
        int s = masks is "causal" or "all" ? 4 : 5;
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 2, dtype: DType.Float64);
        Tensor query = RandomTensor(1, [batch, t, dim]), value = RandomTensor(2, [batch, s, dim]);
        Tensor? key = masks == "separate_key" ? RandomTensor(3, [batch, s, 4]) : null;
        bool[,,] mask = Fill(batch, t, s, (_, _, _) => true);
        Tensor? attentionMask = null;
        if (masks is "attention_mask" or "all")
        {
            bool[,,] given = Fill(batch, t, s, (b, i, j) => (b + (2 * i) + (3 * j)) % 4 != 1);
            attentionMask = Tf.Constant(given.Cast<bool>().ToArray(), new Shape(batch, t, s));
            mask = Fill(batch, t, s, (b, i, j) => mask[b, i, j] && given[b, i, j]);
        }

        if (masks is "padding" or "all")
        {
            // Keras masks carried by the inputs (as an Embedding with maskZero leaves them): the query's padded steps attend
            // to nothing, padded value steps are not attended to.
            bool[,] queryMask = { { true, true, true, false }, { true, true, false, false } };
            bool[,] valueMask = s == 5 ? new[,] { { true, true, true, true, false }, { true, false, true, true, true } } : queryMask;
            Backend.SetKerasMask(query, Tf.Constant(queryMask.Cast<bool>().ToArray(), new Shape(batch, t)));
            Backend.SetKerasMask(value, Tf.Constant(valueMask.Cast<bool>().ToArray(), new Shape(batch, s)));
            mask = Fill(batch, t, s, (b, i, j) => mask[b, i, j] && queryMask[b, i] && valueMask[b, j]);
        }

        bool causal = masks is "causal" or "all";
        if (causal)
        {
            mask = Fill(batch, t, s, (b, i, j) => mask[b, i, j] && j <= i);
        }

        mha.Build(query.Shape, value.Shape, key?.Shape);
        Randomize(mha, 10);
        (Tensor output, Tensor scores) = mha.ApplyWithScores(query, value, key, attentionMask, useCausalMask: causal);
        (Array64 expected, Array64 expectedScores) = MultiHead(Array64.Of(query), Array64.Of(value), Array64.Of(key ?? value),
            [.. mha.Variables.Select(v => Array64.Of(v))], masks == "none" ? null : mask);
        Assert.Equal([batch, 2, t, s], scores.Shape.ToArray());
        AssertClose(expectedScores.Values, scores.ToArray<double>(), 1e-12, $"{masks} scores");
        AssertClose(expected.Values, output.ToArray<double>(), 1e-12, $"{masks} output");

        // The query's mask passes to the output, as Keras sets it.
        Tensor? outputMask = Backend.GetKerasMask(output);
        Assert.Equal(masks is "padding" or "all", outputMask is not null);
    }

    [Fact]
    public void MultiHeadAttention_Gradients_MatchFiniteDifferences()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, valueDim: 3, dtype: DType.Float64);
        var query = new Variable(RandomTensor(1, [2, 3, 3]), name: "query");
        var value = new Variable(RandomTensor(2, [2, 4, 2]), name: "value");
        var key = new Variable(RandomTensor(3, [2, 4, 3]), name: "key");
        Tensor attentionMask = Tf.Constant(Fill(2, 3, 4, (b, i, j) => (b + i + j) % 3 != 0).Cast<bool>().ToArray(), new Shape(2, 3, 4));
        mha.Build(query.Shape, value.Shape, key.Shape);
        Randomize(mha, 4);
        FiniteDifferences.Check(() =>
        {
            (Tensor output, Tensor scores) = mha.ApplyWithScores(query, value, key, attentionMask);
            return Tf.Add(FiniteDifferences.Weighted(output, 5), FiniteDifferences.Weighted(scores, 6));
        }, [.. mha.TrainableVariables, query, value, key], "multi-head attention");
    }

    [Fact]
    public void MultiHeadAttention_CausalMask_OutputsDoNotDependOnLaterSteps()
    {
        var mha = new MultiHeadAttention(numHeads: 3, keyDim: 2, dtype: DType.Float64);
        double[] values = Random(7, 2 * 5 * 4);
        Tensor x = Tf.Constant(values, new Shape(2, 5, 4));
        Tensor before = mha.Apply(x, x, useCausalMask: true);
        for (int i = 3 * 4; i < 5 * 4; i++)
        {
            values[i] += 1; // sample 0, steps 3 and 4
        }

        Tensor after = mha.Apply(Tf.Constant(values, new Shape(2, 5, 4)), Tf.Constant(values, new Shape(2, 5, 4)), useCausalMask: true);
        double[] b = before.ToArray<double>(), a = after.ToArray<double>();
        Assert.Equal(b[..(3 * 4)], a[..(3 * 4)]); // steps 0-2 of sample 0 unchanged
        Assert.NotEqual(b[(3 * 4)..(5 * 4)], a[(3 * 4)..(5 * 4)]);
        Assert.Equal(b[(5 * 4)..], a[(5 * 4)..]); // sample 1 untouched
    }

    [Fact]
    public void MultiHeadAttention_AfterEmbeddingWithMaskZero_IgnoresPadding()
    {
        var embedding = new Embedding(10, 4, maskZero: true, dtype: DType.Float64);
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, dtype: DType.Float64);
        Tensor ids = Tf.Constant(new[] { 3, 5, 2, 0, 0, 7, 1, 4, 9, 0 }, new Shape(2, 5));
        Tensor x = embedding.Apply(ids);
        (Tensor output, Tensor scores) = mha.ApplyWithScores(x, x);
        double[] p = scores.ToArray<double>(); // (2, 2, 5, 5)
        for (int b = 0; b < 2; b++)
        {
            for (int n = 0; n < 2; n++)
            {
                for (int i = 0; i < 5; i++)
                {
                    for (int j = 0; j < 5; j++)
                    {
                        bool visible = ids.ToArray<int>()[(b * 5) + i] != 0 && ids.ToArray<int>()[(b * 5) + j] != 0;
                        double pij = p[(((((b * 2) + n) * 5) + i) * 5) + j];
                        Assert.True(visible ? pij > 0 : pij == 0, $"p[{b},{n},{i},{j}] = {pij}");
                    }
                }
            }
        }

        // Changing a padded step's embedding changes nothing at the real steps.
        Tensor x2 = Tf.Add(x, Tf.Constant(Fill(2, 5, 1, (b, i, _) => b == 0 && i == 4).Cast<bool>().Select(v => v ? 3.0 : 0).ToArray(), new Shape(2, 5, 1)));
        Backend.SetKerasMask(x2, Backend.GetKerasMask(x));
        double[] o1 = output.ToArray<double>(), o2 = mha.Apply(x2, x2).ToArray<double>();
        Assert.Equal(o1[..(3 * 4)], o2[..(3 * 4)]);
        Assert.Equal(Backend.GetKerasMask(x)!.ToArray<bool>(), Backend.GetKerasMask(output)!.ToArray<bool>());
    }

    [Fact]
    public void MultiHeadAttention_Dropout_DropsProbabilitiesInTrainingOnly()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 4, dropout: 0.5, seed: 3, dtype: DType.Float64);
        Tensor x = RandomTensor(8, [2, 6, 4]);
        (Tensor inference, Tensor scores) = mha.ApplyWithScores(x, x);
        Assert.Equal(inference.ToArray<double>(), mha.Apply(x, x).ToArray<double>());
        (Tensor trained, Tensor trainedScores) = mha.ApplyWithScores(x, x, training: true);
        Assert.NotEqual(inference.ToArray<double>(), trained.ToArray<double>());
        Assert.Equal(scores.ToArray<double>(), trainedScores.ToArray<double>()); // scores are returned before dropout, as Keras
    }

    [Fact]
    public void MultiHeadAttention_Traced_MatchesEager_WithGradients()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3, dtype: DType.Float64);
        Tensor q = RandomTensor(1, [2, 4, 5]), v = RandomTensor(2, [2, 6, 5]);
        Tensor mask = Tf.Constant(Fill(2, 4, 6, (b, i, j) => j != (b + i) % 6).Cast<bool>().ToArray(), new Shape(2, 4, 6));
        Tensor eager = mha.Apply(q, v, attentionMask: mask, useCausalMask: true);
        var traced = Tf.Function((Tensor query, Tensor value, Tensor m) => mha.Apply(query, value, attentionMask: m, useCausalMask: true));
        AssertClose(eager.ToArray<double>(), traced.Invoke(q, v, mask).ToArray<double>(), 1e-13, "traced output");

        var gradients = Tf.Function((Tensor query, Tensor value) =>
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceSum(Tf.Square(mha.Apply(query, value)));
            return tape.Gradient(loss, mha.TrainableVariables.ToArray())[0]!;
        });
        Tensor eagerGradient;
        using (var tape = new GradientTape())
        {
            Tensor loss = Tf.ReduceSum(Tf.Square(mha.Apply(q, v)));
            eagerGradient = tape.Gradient(loss, mha.TrainableVariables.ToArray())[0]!;
        }

        AssertClose(eagerGradient.ToArray<double>(), gradients.Invoke(q, v).ToArray<double>(), 1e-12, "traced gradient");
    }

    [Fact]
    public void MultiHeadAttention_BadInputs_ThrowNamingTheLayer()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3, name: "mha");
        var e = Assert.Throws<ArgumentException>(() => mha.Apply(Tf.Ones(new Shape(2, 4)), Tf.Ones(new Shape(2, 4))));
        Assert.Contains("MultiHeadAttention mha", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => mha.Apply(Tf.Ones(new Shape(2, 4, 5)), Tf.Ones(new Shape(2, 6, 5)), key: Tf.Ones(new Shape(2, 5, 5))));
        Assert.Contains("value_shape=(2, 6, 5) and key_shape=(2, 5, 5)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => mha.Apply(Tf.Ones(new Shape(2, 4, 5)), Tf.Ones(new Shape(2, 6, 5)),
            attentionMask: Tf.Cast(Tf.Ones(new Shape(2, 4, 5)), DType.Bool)));
        Assert.Contains("attentionMask of shape (2, 4, 5)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => mha.Apply(Tf.Ones(new Shape(2, 4, 7)), Tf.Ones(new Shape(2, 6, 5))));
        Assert.Contains("was built for", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => mha.Apply(Tf.Ones(new Shape(2, 4, 5))));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(0, 3));
    }

    internal static bool[,,] Fill(int a, int b, int c, Func<int, int, int, bool> f)
    {
        var result = new bool[a, b, c];
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                for (int k = 0; k < c; k++)
                {
                    result[i, j, k] = f(i, j, k);
                }
            }
        }

        return result;
    }
}
