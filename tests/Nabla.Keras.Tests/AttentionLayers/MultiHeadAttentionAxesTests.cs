using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>
/// MultiHeadAttention over several axes (Keras's <c>attention_axes</c>) on (batch, X, T, features) inputs, against a
/// float64 reference written with the einsum equations Keras builds (<c>_build_proj_equation</c>,
/// <c>_build_attention_equation</c>) and evaluated letter by letter; gradients; errors.
/// </summary>
public class MultiHeadAttentionAxesTests
{
    private const int Batch = 2, X = 2, T = 3, Dim = 3;

    [Fact]
    public void AttentionAxes_Rank4_ProjectionsHaveKerasEquationsAndShapes()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 4, attentionAxes: [2]);
        Tensor output = mha.Apply(Tf.Ones(new Shape(Batch, X, T, Dim)), Tf.Ones(new Shape(Batch, X, 5, 6)));
        Assert.Equal([Batch, X, T, Dim], output.Shape.ToArray());
        Assert.Equal("abcd,def->abcef", mha.QueryDense!.Equation);
        Assert.Equal("abcde,def->abcf", mha.OutputDense!.Equation);
        Assert.Equal([[3, 2, 4], [2, 4], [6, 2, 4], [2, 4], [6, 2, 4], [2, 4], [2, 4, 3], [3]], mha.Variables.Select(v => v.Shape.ToArray()));
        Assert.Equal([2], mha.AttentionAxes!);
    }

    public static TheoryData<string, bool> Cases => new() { { "2", false }, { "2", true }, { "1,2", false }, { "1,2", true }, { "1", true }, { "2,1", true } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AttentionAxes_OutputAndScores_MatchKerasEquations(string axesText, bool masked)
    {
        int[] axes = [.. axesText.Split(',').Select(int.Parse)];
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, valueDim: 3, attentionAxes: axes, dtype: DType.Float64);
        Tensor query = RandomTensor(1, [Batch, X, T, Dim]), value = RandomTensor(2, [Batch, X, T, 4]);
        mha.Build(query.Shape, value.Shape);
        Randomize(mha, 3);

        // Keras's mask layout: (batch, axes not attended..., query attention axes..., key attention axes...).
        int[] others = [.. Enumerable.Range(1, 2).Where(a => !axes.Contains(a))];
        int[] maskShape = [Batch, .. others.Select(a => a == 1 ? X : T), .. axes.Select(a => a == 1 ? X : T), .. axes.Select(a => a == 1 ? X : T)];
        bool[] maskValues = [.. Enumerable.Range(0, maskShape.Aggregate(1, (p, d) => p * d)).Select(i => i * 7 % 5 != 0)];
        Tensor? attentionMask = masked ? Tf.Constant(maskValues, new Shape(maskShape)) : null;

        (Tensor output, Tensor scores) = mha.ApplyWithScores(query, value, attentionMask: attentionMask);
        (Array64 expected, Array64 expectedScores) = Reference(Array64.Of(query), Array64.Of(value),
            [.. mha.Variables.Select(v => Array64.Of(v))], axes, masked ? maskValues : null);
        Assert.Equal(expectedScores.Shape, scores.Shape.ToArray());
        AssertClose(expectedScores.Values, scores.ToArray<double>(), 1e-12, $"axes {axesText} scores");
        AssertClose(expected.Values, output.ToArray<double>(), 1e-12, $"axes {axesText} output");
    }

    [Fact]
    public void AttentionAxes_Gradients_MatchFiniteDifferences()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, attentionAxes: [1, 2], dtype: DType.Float64);
        var query = new Variable(RandomTensor(1, [1, 2, 2, 3]), name: "query");
        var value = new Variable(RandomTensor(2, [1, 2, 2, 3]), name: "value");
        mha.Build(query.Shape, value.Shape);
        Randomize(mha, 5);
        FiniteDifferences.Check(() =>
        {
            (Tensor output, Tensor scores) = mha.ApplyWithScores(query, value);
            return Tf.Add(FiniteDifferences.Weighted(output, 5), FiniteDifferences.Weighted(scores, 6));
        }, [.. mha.TrainableVariables, query, value], "attention over two axes");
    }

    [Fact]
    public void AttentionAxes_DefaultIsEveryAxisButBatchAndFeatures_AndTracedMatchesEager()
    {
        var all = new MultiHeadAttention(numHeads: 2, keyDim: 2, dtype: DType.Float64);
        var explicitAxes = new MultiHeadAttention(numHeads: 2, keyDim: 2, attentionAxes: [1, 2], dtype: DType.Float64);
        Tensor x = RandomTensor(4, [Batch, X, T, Dim]);
        all.Build(x.Shape, x.Shape);
        explicitAxes.Build(x.Shape, x.Shape);
        Randomize(all, 6);
        explicitAxes.SetWeights(all.GetWeights());
        Tensor eager = all.Apply(x, x);
        AssertClose(eager.ToArray<double>(), explicitAxes.Apply(x, x).ToArray<double>(), 0, "default axes");
        var traced = Tf.Function((Tensor q) => all.Apply(q, q));
        AssertClose(eager.ToArray<double>(), traced.Invoke(x).ToArray<double>(), 1e-12, "traced");
    }

    [Fact]
    public void AttentionAxes_BadAxesAndRanks_AreRefusedNamingTheLayer()
    {
        Tensor x = Tf.Ones(new Shape(Batch, X, T, Dim));
        int[][] bad = [[0], [3], [2, 2], []];
        foreach (int[] axes in bad)
        {
            var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 2, attentionAxes: axes, name: "mha_axes").Apply(x, x));
            Assert.Contains("mha_axes", e.Message, StringComparison.Ordinal);
            Assert.Contains("attentionAxes", e.Message, StringComparison.Ordinal);
        }

        var built = new MultiHeadAttention(2, 2, attentionAxes: [2]);
        built.Apply(x, x);
        var rank = Assert.Throws<ArgumentException>(() => built.Apply(Tf.Ones(new Shape(Batch, T, Dim)), Tf.Ones(new Shape(Batch, T, Dim))));
        Assert.Contains("rank", rank.Message, StringComparison.Ordinal);
    }

    // Keras's equations for a (a: batch, b: X, c: T, d: features) input, heads e... spelled out per case.
    internal static (Array64 Output, Array64 Scores) Reference(Array64 query, Array64 value, IReadOnlyList<Array64> w, int[] axes, bool[]? mask)
    {
        Array64 q = AddBias(Einsum("abcd,def->abcef", query, w[0]), w[1]);
        Array64 k = AddBias(Einsum("abcd,def->abcef", value, w[2]), w[3]);
        Array64 v = AddBias(Einsum("abcd,def->abcef", value, w[4]), w[5]);
        double scale = 1 / Math.Sqrt(w[0].Shape[2]);
        q = new Array64([.. q.Values.Select(x => x * scale)], q.Shape);

        // _build_attention_equation on the projected (a b c d e) = (batch, X, T, heads, size): the batch axes keep their
        // letters, the key's attention axes get new ones (f, g), the product lists batch axes, query then key attention axes.
        (string dot, string combine, int normAxes) = string.Join(",", axes) switch
        {
            "2" => ("abfde,abcde->abdcf", "abdcf,abfde->abcde", 1),
            "1" => ("afcde,abcde->acdbf", "acdbf,afcde->abcde", 1),
            "2,1" => ("afgde,abcde->adcbgf", "adcbgf,afgde->abcde", 2),   // the attention axes in the order given
            _ => ("afgde,abcde->adbcfg", "adbcfg,afgde->abcde", 2),
        };
        Array64 probabilities = Softmax(Einsum(dot, k, q), normAxes, mask);
        Array64 combined = Einsum(combine, probabilities, v);
        return (AddBias(Einsum("abcde,def->abcf", combined, w[6]), w[7]), probabilities);
    }

    // A bias over the trailing axes.
    private static Array64 AddBias(Array64 x, Array64 bias)
    {
        int n = bias.Values.Length;
        return new Array64([.. x.Values.Select((v, i) => v + bias.Values[i % n])], x.Shape);
    }

    // Softmax over the last normAxes axes jointly; masked-out entries (mask, broadcast over heads) get probability 0.
    private static Array64 Softmax(Array64 logits, int normAxes, bool[]? mask)
    {
        int group = logits.Shape[^normAxes..].Aggregate(1, (p, d) => p * d);
        int heads = logits.Shape[^(1 + (2 * normAxes))];
        int inner = logits.Shape[^(2 * normAxes)..].Aggregate(1, (p, d) => p * d);   // query and key attention positions
        var result = new double[logits.Values.Length];
        for (int start = 0; start < result.Length; start += group)
        {
            bool Visible(int i)
            {
                if (mask is null)
                {
                    return true;
                }

                int flat = start + i, position = flat % inner, outer = flat / inner / heads;
                return mask[(outer * inner) + position];
            }

            double[] l = [.. Enumerable.Range(0, group).Select(i => Visible(i) ? logits.Values[start + i] : -1e9)];
            double max = l.Max(), sum = l.Sum(x => Math.Exp(x - max));
            for (int i = 0; i < group; i++)
            {
                result[start + i] = Visible(i) ? Math.Exp(l[i] - max) / sum : 0;
            }
        }

        return new Array64(result, logits.Shape);
    }
}
