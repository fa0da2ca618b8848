using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>EinsumDense: Keras's weight and output shapes, values against a loop einsum, gradients, errors.</summary>
public class EinsumDenseTests
{
    // Keras's einsum_dense_test cases: equation, bias axes, input shape, output shape, kernel, bias and output shapes.
    public static TheoryData<string, string?, int[], int?[], int[], int[]?, int[]> KerasCases => new()
    {
        { "ab,b->a", null, [2, 32], [], [32], null, [2] },
        { "ab,bc->ac", null, [2, 32], [64], [32, 64], null, [2, 64] },
        { "abc,cde->abde", null, [2, 1, 2], [1, 3, 4], [2, 3, 4], null, [2, 1, 3, 4] },
        { "abc,cde->abde", "e", [2, 1, 2], [1, 3, 4], [2, 3, 4], [4], [2, 1, 3, 4] },
        { "abc,cde->abde", "d", [2, 1, 2], [1, 3, 4], [2, 3, 4], [3, 1], [2, 1, 3, 4] },
        { "abc,cde->abde", "be", [2, 7, 2], [7, 3, 4], [2, 3, 4], [7, 1, 4], [2, 7, 3, 4] },
        { "BFNH,NHD->BFD", null, [2, 1, 2, 3], [1, 4], [2, 3, 4], null, [2, 1, 4] },
        { "abc,cd->abd", null, [2, 1, 2], [1, 4], [2, 4], null, [2, 1, 4] },
        { "i,d->id", null, [2], [2], [2], null, [2, 2] },
        { "ibd,nd->ibn", null, [2, 2, 1], [2, 2], [2, 1], null, [2, 2, 2] },
        { "...b,bc->...c", null, [2, 32], [64], [32, 64], null, [2, 64] },
        { "...bc,bc->...b", null, [2, 32, 64], [32], [32, 64], null, [2, 32] },
        { "...b,bc->...c", null, [2, 3, 32], [64], [32, 64], null, [2, 3, 64] },
        { "...c,cde->...de", "e", [2, 1, 2], [3, 4], [2, 3, 4], [4], [2, 1, 3, 4] },
        { "...c,cde->...de", "d", [2, 1, 2], [3, 4], [2, 3, 4], [3, 1], [2, 1, 3, 4] },
        { "...c,cde->...de", "de", [2, 1, 2], [3, 4], [2, 3, 4], [3, 4], [2, 1, 3, 4] },
        { "bc...,cd->bd...", null, [2, 1, 2, 3], [4], [1, 4], null, [2, 4, 2, 3] },
        { "bc...,cde->bde...", "d", [2, 1, 2], [3, 4], [1, 3, 4], [3, 1, 1], [2, 3, 4, 2] },
        { "bc...,cde->bde...", "e", [2, 1, 2], [3, 4], [1, 3, 4], [4, 1], [2, 3, 4, 2] },
        { "bc...,cde->bde...", "de", [2, 1, 2], [3, 4], [1, 3, 4], [3, 4, 1], [2, 3, 4, 2] },
        { "abc,cde->abde", "de", [2, 5, 3], [null, 2, 4], [3, 2, 4], [2, 4], [2, 5, 2, 4] },
    };

    [Theory]
    [MemberData(nameof(KerasCases))]
    public void EinsumDense_ShapesAndValues_MatchKerasAndALoopEinsum(string equation, string? biasAxes, int[] inputShape, int?[] outputShape,
        int[] kernelShape, int[]? biasShape, int[] expectedOutput)
    {
        var layer = new EinsumDense(equation, outputShape, biasAxes: biasAxes, dtype: DType.Float64);
        Tensor x = RandomTensor(1, inputShape);
        Tensor y = layer.Apply(x);
        Assert.Equal(kernelShape, layer.Kernel!.Shape.ToArray());
        Assert.Equal(biasShape, layer.Bias?.Shape.ToArray());
        Assert.Equal(biasShape is null ? 1 : 2, layer.TrainableVariables.Count);
        Assert.Equal(expectedOutput, y.Shape.ToArray());

        // Against the loop einsum, with the ellipsis written out as the layer reads it, and random weights and bias.
        Randomize(layer, 2);
        y = layer.Apply(x);
        Array64 reference = Einsum(Explicit(equation, inputShape.Length), Array64.Of(x), Array64.Of(layer.Kernel));
        double[] expected = reference.Values;
        if (layer.Bias is { } bias)
        {
            expected = Tf.Add(Tf.Constant(expected, new Shape(reference.Shape)), bias).ToArray<double>();
        }

        AssertClose(expected, y.ToArray<double>(), 1e-12, equation);
    }

    [Theory]
    [InlineData("abc,cde->abde", "de", new[] { 2, 3, 4 }, new[] { 3, 2, 5 })]
    [InlineData("abc,dc->adb", "d", new[] { 2, 3, 4 }, new[] { 5, 3 })]
    [InlineData("abc,bcd->abd", "bd", new[] { 2, 3, 4 }, new[] { 3, 5 })]
    [InlineData("abcd,cde->abe", "e", new[] { 2, 3, 2, 4 }, new[] { 3, 5 })]
    [InlineData("...c,cd->...d", null, new[] { 2, 3, 4 }, new[] { 5 })]
    [InlineData("abc,d->abd", "d", new[] { 2, 3, 4 }, new[] { 3, 5 })]
    public void EinsumDense_Gradients_MatchFiniteDifferences(string equation, string? biasAxes, int[] inputShape, int[] outputShape)
    {
        // Transposed outputs, a batch axis shared with the kernel (b), an input axis summed alone (c in abc,d->abd).
        var layer = new EinsumDense(equation, [.. outputShape.Select(d => (int?)d)], activation: "tanh", biasAxes: biasAxes, dtype: DType.Float64);
        var x = new Variable(RandomTensor(3, inputShape), name: "x");
        layer.Apply(x);
        Randomize(layer, 4);
        FiniteDifferences.Check(() => FiniteDifferences.Weighted(layer.Apply(x), 5), [.. layer.TrainableVariables, x], equation);
    }

    [Fact]
    public void EinsumDense_Errors_NameTheLayerAndShapes()
    {
        var bad = new EinsumDense("ab->b", 3, name: "bad");
        var e = Assert.Throws<ArgumentException>(() => bad.Apply(Tf.Ones(new Shape(2, 4))));
        Assert.Contains("invalid einsum equation 'ab->b'", e.Message, StringComparison.Ordinal);

        var diagonal = new EinsumDense("aa,ab->ab", 3, name: "diagonal");
        e = Assert.Throws<ArgumentException>(() => diagonal.Apply(Tf.Ones(new Shape(2, 2))));
        Assert.Contains("invalid einsum equation 'aa,ab->ab'", e.Message, StringComparison.Ordinal);

        var free = new EinsumDense("ab,bc->acd", [3, 4], name: "free");
        e = Assert.Throws<ArgumentException>(() => free.Apply(Tf.Ones(new Shape(2, 4))));
        Assert.Contains("dimension 'd' was specified in the output", e.Message, StringComparison.Ordinal);

        var unknown = new EinsumDense("ab,bc->ac", [null], name: "unknown");
        e = Assert.Throws<ArgumentException>(() => unknown.Apply(Tf.Ones(new Shape(2, 4))));
        Assert.Contains("weight dimension 'c'", e.Message, StringComparison.Ordinal);

        var biased = new EinsumDense("ab,bc->ac", 3, biasAxes: "x", name: "biased");
        e = Assert.Throws<ArgumentException>(() => biased.Apply(Tf.Ones(new Shape(2, 4))));
        Assert.Contains("bias dimension 'x'", e.Message, StringComparison.Ordinal);

        var layer = new EinsumDense("abc,cd->abd", [null, 3], name: "proj");
        layer.Apply(Tf.Ones(new Shape(2, 5, 4)));
        e = Assert.Throws<ArgumentException>(() => layer.Apply(Tf.Ones(new Shape(2, 5, 6))));
        Assert.Contains("EinsumDense proj", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 5, 6)", e.Message, StringComparison.Ordinal);

        // Sequence length may change between calls (the None of outputShape); the batch too.
        Assert.Equal([3, 7, 3], layer.Apply(Tf.Ones(new Shape(3, 7, 4))).Shape.ToArray());
    }

    [Fact]
    public void EinsumDense_AsDense_EqualsDense()
    {
        var dense = new Dense(4, dtype: DType.Float64);
        var einsum = new EinsumDense("ab,bc->ac", 4, biasAxes: "c", dtype: DType.Float64);
        Tensor x = RandomTensor(6, [3, 5]);
        dense.Apply(x);
        einsum.Apply(x);
        Randomize(dense, 7);
        einsum.SetWeights(dense.GetWeights());
        AssertClose(dense.Apply(x).ToArray<double>(), einsum.Apply(x).ToArray<double>(), 1e-12, "dense");
    }

    // The equation with its ellipsis replaced by capital letters, as many as the input has elided axes.
    private static string Explicit(string equation, int inputRank)
    {
        if (!equation.Contains("...", StringComparison.Ordinal))
        {
            return equation;
        }

        string input = equation.Split(',')[0];
        string fresh = "QRSTUVW"[..(inputRank - (input.Length - 3))];
        return equation.Replace("...", fresh, StringComparison.Ordinal);
    }
}
