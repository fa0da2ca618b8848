using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>
/// MultiHeadAttention over attention axes of (batch, X, T, features) inputs with the masks Keras derives itself: the
/// query's and value's Keras masks (from <see cref="Masking"/>: padded positions) and <c>useCausalMask</c>. The expected
/// values come from the float64 reference of Keras's einsum equations with an explicit mask written out here position by
/// position: a query position sees a key position when both are unpadded and, causally, when the key comes no later in
/// row-major order of the attention axes (over one axis: Keras's lower triangle).
/// </summary>
public class MultiHeadAttentionAxesMaskTests
{
    private const int Batch = 2, X = 2, T = 3, Dim = 3, ValueDim = 4;

    public static TheoryData<string, bool, bool> Cases => new()
    {
        { "2", true, false }, { "2", false, true }, { "2", true, true },
        { "1", true, true }, { "1,2", true, false }, { "1,2", false, true }, { "1,2", true, true }, { "2,1", true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InputMasksAndCausalMask_MatchTheReferenceWithTheMaskWrittenOut(string axesText, bool causal, bool inputMasks)
    {
        int[] axes = [.. axesText.Split(',').Select(int.Parse)];
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, valueDim: 3, attentionAxes: axes, dtype: DType.Float64);

        // Padded positions (batch, X, T) hold zero features, which Masking turns into the inputs' Keras masks.
        bool[] queryPositions = [.. Enumerable.Range(0, Batch * X * T).Select(i => !inputMasks || i % 5 != 2)];
        bool[] valuePositions = [.. Enumerable.Range(0, Batch * X * T).Select(i => !inputMasks || i % 4 != 1)];
        Tensor query = Padded(RandomTensor(1, [Batch, X, T, Dim]), queryPositions);
        Tensor value = Padded(RandomTensor(2, [Batch, X, T, ValueDim]), valuePositions);
        mha.Build(query.Shape, value.Shape);
        Randomize(mha, 3);
        Tensor maskedQuery = inputMasks ? new Masking(0.0, dtype: DType.Float64).Apply(query) : query;
        Tensor maskedValue = inputMasks ? new Masking(0.0, dtype: DType.Float64).Apply(value) : value;

        (Tensor output, Tensor scores) = mha.ApplyWithScores(maskedQuery, maskedValue, useCausalMask: causal);
        bool[] mask = WrittenOutMask(axes, queryPositions, valuePositions, causal);
        (Array64 expected, Array64 expectedScores) = MultiHeadAttentionAxesTests.Reference(Array64.Of(query), Array64.Of(value),
            [.. mha.Variables.Select(v => Array64.Of(v))], axes, mask);
        AssertClose(expectedScores.Values, scores.ToArray<double>(), 1e-12, $"axes {axesText} scores");
        AssertClose(expected.Values, output.ToArray<double>(), 1e-12, $"axes {axesText} output");

        // The query's mask passes to the output, as Keras sets it; the explicit mask gives the same result.
        Assert.Equal(inputMasks ? queryPositions : null, Backend.GetKerasMask(output)?.ToArray<bool>());
        Tensor explicitMask = Tf.Constant(mask, new Shape(MaskShape(axes)));
        AssertClose(output.ToArray<double>(), mha.Apply(query, value, attentionMask: explicitMask).ToArray<double>(), 0, "explicit mask");
    }

    [Fact]
    public void CausalMaskOverTwoAxes_CombinesWithAnExplicitMask_AndDifferentiates()
    {
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 2, attentionAxes: [1, 2], dtype: DType.Float64);
        var query = new Variable(RandomTensor(4, [1, 2, 2, 3]), name: "query");
        var value = new Variable(RandomTensor(5, [1, 2, 2, 3]), name: "value");
        mha.Build(query.Shape, value.Shape);
        Randomize(mha, 6);

        // (batch, 2, 2 query positions, 2, 2 key positions); key position (0, 1) hidden from everyone.
        bool[] hidden = [.. Enumerable.Range(0, 16).Select(i => i % 4 != 1)];
        Tensor attentionMask = Tf.Constant(hidden, new Shape(1, 2, 2, 2, 2));
        Tensor scores = mha.ApplyWithScores(query, value, attentionMask: attentionMask, useCausalMask: true).Scores;
        double[] p = scores.ToArray<double>();   // (1, heads, 2, 2, 2, 2): per head, 4 query rows of 4 key positions
        for (int row = 0; row < 8; row++)
        {
            int q = row % 4;
            for (int k = 0; k < 4; k++)
            {
                bool visible = k <= q && k != 1;
                Assert.True(visible ? p[(row * 4) + k] > 0 : p[(row * 4) + k] == 0, $"row {row} key {k}: {p[(row * 4) + k]}");
            }

            Assert.Equal(1, p.Skip(row * 4).Take(4).Sum(), 12);
        }

        FiniteDifferences.Check(() =>
        {
            (Tensor output, Tensor s) = mha.ApplyWithScores(query, value, attentionMask: attentionMask, useCausalMask: true);
            return Tf.Add(FiniteDifferences.Weighted(output, 7), FiniteDifferences.Weighted(s, 8));
        }, [.. mha.TrainableVariables, query, value], "causal attention over two axes");
    }

    [Fact]
    public void InputMaskOfTheWrongShape_IsRefusedNamingTheLayerAndShapes()
    {
        var mha = new MultiHeadAttention(2, 2, attentionAxes: [2], name: "mha_masks");
        Tensor x = Tf.Ones(new Shape(Batch, X, T, Dim));
        Backend.SetKerasMask(x, Tf.Ones(new Shape(Batch, T), DType.Bool));
        var e = Assert.Throws<ArgumentException>(() => mha.Apply(x, x));
        Assert.Contains("mha_masks", e.Message, StringComparison.Ordinal);
        Assert.Contains("the query's mask has shape (2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected (2, 2, 3)", e.Message, StringComparison.Ordinal);
    }

    // The features of padded positions set to zero.
    private static Tensor Padded(Tensor x, bool[] positions) =>
        Tf.Multiply(x, Tf.Constant(positions.Select(p => p ? 1.0 : 0.0).ToArray(), new Shape(Batch, X, T, 1)));

    private static int Size(int axis) => axis == 1 ? X : T;

    // Keras's explicit mask layout: (batch, axes not attended..., query attention axes..., key attention axes...).
    private static int[] MaskShape(int[] axes)
    {
        int[] others = [.. new[] { 1, 2 }.Where(a => !axes.Contains(a))];
        return [Batch, .. others.Select(Size), .. axes.Select(Size), .. axes.Select(Size)];
    }

    // Each (batch, others, query position, key position) entry from the inputs' positions and the causal rule.
    private static bool[] WrittenOutMask(int[] axes, bool[] queryPositions, bool[] valuePositions, bool causal)
    {
        int[] others = [.. new[] { 1, 2 }.Where(a => !axes.Contains(a))];
        int[] shape = MaskShape(axes);
        var mask = new bool[shape.Aggregate(1, (p, d) => p * d)];
        for (int flat = 0; flat < mask.Length; flat++)
        {
            // The entry's index digits, then the (batch, X, T) coordinates of its query and key positions.
            var digits = new int[shape.Length];
            for (int d = shape.Length - 1, rest = flat; d >= 0; d--)
            {
                digits[d] = rest % shape[d];
                rest /= shape[d];
            }

            int[] queryAt = new int[3], keyAt = new int[3];
            queryAt[0] = keyAt[0] = digits[0];
            for (int o = 0; o < others.Length; o++)
            {
                queryAt[others[o]] = keyAt[others[o]] = digits[1 + o];
            }

            int queryOrder = 0, keyOrder = 0;
            for (int a = 0; a < axes.Length; a++)
            {
                queryAt[axes[a]] = digits[1 + others.Length + a];
                keyAt[axes[a]] = digits[1 + others.Length + axes.Length + a];
                queryOrder = (queryOrder * Size(axes[a])) + queryAt[axes[a]];
                keyOrder = (keyOrder * Size(axes[a])) + keyAt[axes[a]];
            }

            bool unpadded = queryPositions[Position(queryAt)] && valuePositions[Position(keyAt)];
            mask[flat] = unpadded && (!causal || keyOrder <= queryOrder);
        }

        return mask;
    }

    private static int Position(int[] at) => (((at[0] * X) + at[1]) * T) + at[2];
}
