using Nabla.Keras.Tests.Recurrent;
using static Nabla.Keras.Tests.AttentionLayers.AttentionReference;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// The merge layers (Keras's Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot): values against
/// float64 references computed element by element here, Keras's rank alignment and broadcasting, output shapes on
/// Keras tensors, gradients against finite differences, and the errors Keras raises.
/// </summary>
public class MergeLayersTests
{
    private const int Batch = 2, Features = 3;

    public static TheoryData<string> Elementwise => new() { "add", "subtract", "multiply", "average", "maximum", "minimum" };

    private static Layer MakeElementwise(string kind) => kind switch
    {
        "add" => new Add(dtype: DType.Float64),
        "subtract" => new Subtract(dtype: DType.Float64),
        "multiply" => new Multiply(dtype: DType.Float64),
        "average" => new Average(dtype: DType.Float64),
        "maximum" => new Maximum(dtype: DType.Float64),
        _ => new Minimum(dtype: DType.Float64),
    };

    // The reference of one output element from the inputs' elements at the same position.
    private static double Reference(string kind, double[] x) => kind switch
    {
        "add" => x.Sum(),
        "subtract" => x[0] - x[1],
        "multiply" => x.Aggregate(1.0, (p, v) => p * v),
        "average" => x.Average(),
        "maximum" => x.Max(),
        _ => x.Min(),
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseMerge_MatchesTheReference_BroadcastsAndDifferentiates(string kind)
    {
        int count = kind == "subtract" ? 2 : 3;
        Tensor[] inputs = [.. Enumerable.Range(0, count).Select(i => RandomTensor(10 + i, [Batch, Features]))];
        Tensor output = MakeElementwise(kind).Apply(inputs);
        double[][] values = [.. inputs.Select(t => t.ToArray<double>())];
        double[] expected = [.. Enumerable.Range(0, Batch * Features).Select(e => Reference(kind, [.. values.Select(v => v[e])]))];
        Assert.Equal([Batch, Features], output.Shape.ToArray());
        AssertClose(expected, output.ToArray<double>(), 1e-15, kind);

        // Keras's alignment: a (batch,) input gets an axis after the batch and broadcasts against (batch, features).
        Tensor column = RandomTensor(20, [Batch]);
        Tensor broadcast = MakeElementwise(kind).Apply([inputs[0], column]);
        double[] c = column.ToArray<double>();
        double[] expectedBroadcast = [.. Enumerable.Range(0, Batch * Features).Select(e => Reference(kind, [values[0][e], c[e / Features]]))];
        AssertClose(expectedBroadcast, broadcast.ToArray<double>(), 1e-15, $"{kind} broadcast");

        Tensor symbolic = MakeElementwise(kind).Apply([.. Enumerable.Range(0, count).Select(_ => Keras.Input(shape: [Features]))]);
        Assert.Equal([null, Features], symbolic.Shape.ToNullableArray());

        Variable[] variables = [.. inputs.Select((t, i) => new Variable(t, name: $"x{i}"))];
        Layer layer = MakeElementwise(kind);
        FiniteDifferences.Check(() => FiniteDifferences.Weighted(layer.Apply([.. variables]), 3), variables, kind);
    }

    [Fact]
    public void Concatenate_JoinsAlongTheAxis_AndDifferentiates()
    {
        Tensor a = RandomTensor(1, [Batch, 2, 3]), b = RandomTensor(2, [Batch, 1, 3]);
        Tensor joined = new Concatenate(axis: 1, dtype: DType.Float64).Apply([a, b]);
        Assert.Equal([Batch, 3, 3], joined.Shape.ToArray());
        double[] x = a.ToArray<double>(), y = b.ToArray<double>(), got = joined.ToArray<double>();
        for (int n = 0; n < Batch; n++)
        {
            for (int r = 0; r < 3; r++)
            {
                for (int f = 0; f < 3; f++)
                {
                    double expected = r < 2 ? x[(((n * 2) + r) * 3) + f] : y[(n * 3) + f];
                    Assert.Equal(expected, got[(((n * 3) + r) * 3) + f]);
                }
            }
        }

        Tensor last = new Concatenate().Apply([Keras.Input(shape: [4, 2]), Keras.Input(shape: [4, 5])]);
        Assert.Equal([null, 4, 7], last.Shape.ToNullableArray());

        var va = new Variable(a, name: "a");
        var vb = new Variable(b, name: "b");
        var layer = new Concatenate(axis: 1, dtype: DType.Float64);
        FiniteDifferences.Check(() => FiniteDifferences.Weighted(layer.Apply([va, vb]), 4), [va, vb], "concatenate");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dot_IsTheSumOfProducts_OrTheCosineWhenNormalized_AndDifferentiates(bool normalize)
    {
        Tensor a = RandomTensor(3, [Batch, 4]), b = RandomTensor(4, [Batch, 4]);
        Tensor dot = new Dot(axes: 1, normalize: normalize, dtype: DType.Float64).Apply([a, b]);
        Assert.Equal([Batch, 1], dot.Shape.ToArray());
        double[] x = a.ToArray<double>(), y = b.ToArray<double>();
        double[] expected = new double[Batch];
        for (int n = 0; n < Batch; n++)
        {
            double[] u = x[(n * 4)..((n + 1) * 4)], v = y[(n * 4)..((n + 1) * 4)];
            double product = u.Zip(v, (p, q) => p * q).Sum();
            expected[n] = normalize ? product / Math.Sqrt(u.Sum(p => p * p) * v.Sum(q => q * q)) : product;
        }

        AssertClose(expected, dot.ToArray<double>(), 1e-14, normalize ? "cosine" : "dot");

        var va = new Variable(a, name: "a");
        var vb = new Variable(b, name: "b");
        var layer = new Dot(axes: 1, normalize: normalize, dtype: DType.Float64);
        FiniteDifferences.Check(() => FiniteDifferences.Weighted(layer.Apply([va, vb]), 5), [va, vb], "dot");
    }

    [Fact]
    public void Dot_OnSequences_IsTheBatchedMatrixProduct()
    {
        Tensor a = RandomTensor(5, [Batch, 3, 4]), b = RandomTensor(6, [Batch, 4, 2]);
        Tensor product = new Dot(axes: [2, 1], dtype: DType.Float64).Apply([a, b]);
        Assert.Equal([Batch, 3, 2], product.Shape.ToArray());
        double[] x = a.ToArray<double>(), y = b.ToArray<double>(), got = product.ToArray<double>();
        for (int n = 0; n < Batch; n++)
        {
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double expected = Enumerable.Range(0, 4).Sum(k => x[(((n * 3) + i) * 4) + k] * y[(((n * 4) + k) * 2) + j]);
                    Assert.Equal(expected, got[(((n * 3) + i) * 2) + j], 14);
                }
            }
        }
    }

    [Fact]
    public void MergeLayers_BadInputs_AreRefusedNamingTheLayer()
    {
        Tensor x = Tf.Ones(new Shape(Batch, Features), DType.Float64);
        var three = Assert.Throws<ArgumentException>(() => new Subtract(name: "minus").Apply([x, x, x]));
        Assert.Contains("\"minus\") should be called on exactly 2 inputs", three.Message, StringComparison.Ordinal);
        var shapes = Assert.Throws<ArgumentException>(() => new Maximum(name: "biggest").Apply([x, Tf.Ones(new Shape(Batch, 4), DType.Float64)]));
        Assert.Contains("biggest", shapes.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3) and (2, 4)", shapes.Message, StringComparison.Ordinal);
        var dot = Assert.Throws<ArgumentException>(() => new Dot(axes: 1, name: "inner").Apply([x, x, x]));
        Assert.Contains("\"inner\") should be called on exactly 2 inputs", dot.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Concatenate(name: "cat").Apply([x, Tf.Ones(new Shape(3, Features), DType.Float64)]));
    }
}
