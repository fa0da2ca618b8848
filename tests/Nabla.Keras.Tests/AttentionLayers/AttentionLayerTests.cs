using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>The Attention layer (dot and concat scores, scale, masks, causal) against a float64 loop reference.</summary>
public class AttentionLayerTests
{
    public static TheoryData<string, bool, string> Cases
    {
        get
        {
            var data = new TheoryData<string, bool, string>();
            foreach (string mode in new[] { "dot", "concat" })
            {
                foreach (bool scale in new[] { false, true })
                {
                    foreach (string masks in new[] { "none", "masks", "causal", "key" })
                    {
                        data.Add(mode, scale, masks);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attention_OutputAndWeights_MatchTheFloat64Reference(string mode, bool useScale, string masks)
    {
        const int batch = 2, t = 3, s = 4;
        var layer = new Attention(useScale: useScale, scoreMode: mode, dtype: DType.Float64);
        // With a key of its own the value may have another width; without, the value is the key.
        Tensor query = RandomTensor(1, [batch, t, 3]), value = RandomTensor(2, [batch, s, masks == "key" ? 2 : 3]);
        Tensor key = masks == "key" ? RandomTensor(3, [batch, s, 3]) : value;
        Tensor[] inputs = masks == "key" ? [query, value, key] : [query, value];
        bool[,]? queryMask = null, valueMask = null;
        if (masks == "masks")
        {
            queryMask = new[,] { { true, true, false }, { true, true, true } };
            valueMask = new[,] { { true, false, true, true }, { true, true, true, false } };
            Backend.SetKerasMask(query, Tf.Constant(queryMask.Cast<bool>().ToArray(), new Shape(batch, t)));
            Backend.SetKerasMask(value, Tf.Constant(valueMask.Cast<bool>().ToArray(), new Shape(batch, s)));
        }

        layer.EnsureBuilt(query.Shape);
        double scaleValue = 0.7, concatWeight = 1.3;
        if (useScale)
        {
            layer.Scale!.Assign(Tf.Constant(scaleValue, DType.Float64));
        }

        layer.ConcatScoreWeight?.Assign(Tf.Constant(concatWeight, DType.Float64));
        (Tensor output, Tensor weights) = layer.ApplyWithScores(inputs, useCausalMask: masks == "causal");
        (Array64 expected, Array64 expectedWeights) = DotAttention(Array64.Of(query), Array64.Of(value), Array64.Of(key), mode,
            useScale ? scaleValue : null, mode == "concat" ? concatWeight : 1, queryMask, valueMask, masks == "causal");
        Assert.Equal([batch, t, value.Shape[2]], output.Shape.ToArray());
        AssertClose(expectedWeights.Values, weights.ToArray<double>(), 1e-12, $"{mode} {useScale} {masks} weights");
        AssertClose(expected.Values, output.ToArray<double>(), 1e-12, $"{mode} {useScale} {masks} output");
        Assert.Equal(masks == "masks", Backend.GetKerasMask(output) is not null);
        Assert.Equal((useScale ? 1 : 0) + (mode == "concat" ? 1 : 0), layer.TrainableVariables.Count);
        Assert.All(layer.TrainableVariables, v => Assert.Equal(0, v.Rank));
    }

    [Theory]
    [InlineData("dot")]
    [InlineData("concat")]
    public void Attention_Gradients_MatchFiniteDifferences(string mode)
    {
        var layer = new Attention(useScale: true, scoreMode: mode, dtype: DType.Float64);
        var query = new Variable(RandomTensor(1, [2, 3, 2]), name: "query");
        var value = new Variable(RandomTensor(2, [2, 4, 3]), name: "value");
        var key = new Variable(RandomTensor(3, [2, 4, 2]), name: "key");
        // Every query step sees at least one value step: a fully masked row is Keras's -1e9 shift, too flat for finite differences.
        Tensor valueMask = Tf.Constant(new[] { true, true, false, true, true, false, true, true }, new Shape(2, 4));
        layer.EnsureBuilt(query.Shape);
        layer.Scale!.Assign(Tf.Constant(0.8, DType.Float64));
        FiniteDifferences.Check(() =>
        {
            (Tensor output, Tensor weights) = layer.ApplyWithScores([query, value, key], mask: [null, valueMask], useCausalMask: true);
            return Tf.Add(FiniteDifferences.Weighted(output, 5), FiniteDifferences.Weighted(weights, 6));
        }, [.. layer.TrainableVariables, query, value, key], $"attention {mode}");
    }

    [Fact]
    public void Attention_Dropout_AndErrors()
    {
        var layer = new Attention(dropout: 0.5, seed: 2, dtype: DType.Float64, name: "att");
        Tensor q = RandomTensor(1, [2, 5, 3]), v = RandomTensor(2, [2, 6, 3]);
        double[] inference = layer.Apply([q, v]).ToArray<double>();
        Assert.Equal(inference, layer.Apply([q, v]).ToArray<double>());
        Assert.NotEqual(inference, layer.Apply([q, v], training: true).ToArray<double>());

        var e = Assert.Throws<ArgumentException>(() => layer.Apply([q]));
        Assert.Contains("inputs list of length 2 or 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => layer.Apply([q, v, RandomTensor(3, [2, 5, 3])]));
        Assert.Contains("Attention att", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => layer.Apply([q, v], mask: [null, Tf.Constant(new[] { true, false }, new Shape(2))]));
        Assert.Contains("the value mask has shape", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Attention(scoreMode: "add"));
        Assert.Throws<ArgumentException>(() => layer.Apply(q));
    }
}
