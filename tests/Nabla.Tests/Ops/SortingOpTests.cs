using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Sort, Argsort, TopK, Unique, BooleanMask and one-argument Where: forward against a float64 reference for every
/// numeric dtype (ties, NaN), gradients at first and second order through the gathered values, and errors.
/// </summary>
public class SortingOpTests
{
    private static readonly string[] s_dtypes = ["float32", "float64", "int32", "int64", "float16", "bfloat16"];

    public static TheoryData<string, string, int> SortCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string dtype in s_dtypes)
        {
            foreach (string direction in new[] { "ASCENDING", "DESCENDING" })
            {
                data.Add(dtype, direction, -1);
                data.Add(dtype, direction, 0);
            }
        }

        return data;
    }

    public static TheoryData<string> DTypes() => [.. s_dtypes];

    [Theory]
    [MemberData(nameof(SortCases))]
    public void SortAndArgsort_WithTies_MatchStableReference(string dtypeName, string direction, int axis)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        var random = new Random(42);
        double[] values = [.. Enumerable.Range(0, 4 * 7).Select(_ => (double)random.Next(-3, 4))];
        Tensor x = Tf.Cast(Tf.Constant(values, [4, 7]), dtype);
        (double[] sorted, double[] order) = Reference(values, 4, 7, axis == 0, direction == "DESCENDING");
        Tensor s = Tf.Sort(x, axis, direction);
        Tensor a = Tf.Argsort(x, axis, direction);
        Assert.Equal(dtype, s.DType);
        Assert.Equal(DType.Int32, a.DType);
        AssertTensor.Close(sorted, s, new Shape(4, 7), 0);
        AssertTensor.Close(order, a, new Shape(4, 7), 0);
    }

    [Fact]
    public void Sort_NaN_GoesAboveEveryNumber()
    {
        Tensor x = Tf.Constant(new[] { 3.0, double.NaN, -1.0, double.PositiveInfinity, double.NaN, 0.0 });
        AssertTensor.Close([-1, 0, 3, double.PositiveInfinity, double.NaN, double.NaN], Tf.Sort(x));
        Assert.Equal([1, 4, 3, 0, 5, 2], Tf.Argsort(x, direction: "DESCENDING").ToArray<int>());
    }

    [Fact]
    public void Sort_Gradients_MatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(3, [new Shape(3, 5)]);
        foreach (int axis in new[] { 0, 1 })
        {
            GradientCheck.FirstOrder(x => Tf.Sort(Tf.Multiply(x[0], x[0]), axis, "DESCENDING"), inputs);
            GradientCheck.SecondOrder(x => Tf.Sort(Tf.Multiply(x[0], x[0]), axis), inputs);
        }
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void TopK_EveryK_MatchesReference(string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        var random = new Random(7);
        double[] values = [.. Enumerable.Range(0, 3 * 6).Select(_ => (double)random.Next(-4, 5))];
        Tensor x = Tf.Cast(Tf.Constant(values, [3, 6]), dtype);
        (double[] sorted, double[] order) = Reference(values, 3, 6, false, true);
        for (int k = 0; k <= 6; k++)
        {
            (Tensor v, Tensor i) = Tf.Nn.TopK(x, k);
            Assert.Equal(dtype, v.DType);
            Assert.Equal(DType.Int32, i.DType);
            AssertTensor.Close(TakeColumns(sorted, 3, 6, k), v, new Shape(3, k), 0);
            AssertTensor.Close(TakeColumns(order, 3, 6, k), i, new Shape(3, k), 0);
        }
    }

    [Fact]
    public void TopK_GradientsAndErrors()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(5, [new Shape(2, 3, 5)]);
        GradientCheck.FirstOrder(x => Tf.Nn.TopK(Tf.Multiply(x[0], x[0]), 3).Values, inputs);
        GradientCheck.SecondOrder(x => Tf.Nn.TopK(Tf.Multiply(x[0], x[0]), 3).Values, inputs);
        (Tensor vector, Tensor at) = Tf.Nn.TopK(Tf.Constant(new[] { 1f, 5f, 5f, 2f }), 2);
        AssertTensor.Close([5, 5], vector);
        Assert.Equal([1, 2], at.ToArray<int>());

        var tooMany = Assert.Throws<ArgumentException>(() => Tf.Nn.TopK(Tf.Zeros([2, 3]), 4));
        Assert.Contains("TopKV2", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("Had 3, needed 4", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("TopKV2", Assert.Throws<ArgumentException>(() => Tf.Nn.TopK(Tf.Zeros([3]), -1)).Message, StringComparison.Ordinal);
        Assert.Contains("rank 1", Assert.Throws<ArgumentException>(() => Tf.Nn.TopK(Tf.Constant(1f))).Message, StringComparison.Ordinal);
        Assert.Contains("bool", Assert.Throws<ArgumentException>(() => Tf.Nn.TopK(Tf.Zeros([3], DType.Bool))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SortAndArgsort_BadArguments_Throw()
    {
        Assert.Contains("direction", Assert.Throws<ArgumentException>(() => Tf.Sort(Tf.Zeros([3]), direction: "UP")).Message, StringComparison.Ordinal);
        var axis = Assert.Throws<ArgumentException>(() => Tf.Argsort(Tf.Zeros([2, 3]), 2));
        Assert.Contains("Argsort", axis.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", axis.Message, StringComparison.Ordinal);
        Assert.Contains("Sort", Assert.Throws<ArgumentException>(() => Tf.Sort(Tf.Constant(2.0))).Message, StringComparison.Ordinal);
        Assert.Contains("bool", Assert.Throws<ArgumentException>(() => Tf.Argsort(Tf.Zeros([3], DType.Bool))).Message, StringComparison.Ordinal);
        Assert.Equal(new Shape(0, 4), Tf.Sort(Tf.Zeros([0, 4])).Shape);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Unique_FirstOccurrenceOrder_AndIndices(string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor x = Tf.Cast(Tf.Constant(new[] { 4, 1, 4, 2, 1, 1, 7 }), dtype);
        (Tensor y, Tensor idx) = Tf.Unique(x);
        AssertTensor.Close([4, 1, 2, 7], y, new Shape(4), 0);
        Assert.Equal([0, 1, 0, 2, 1, 1, 3], idx.ToArray<int>());
        AssertTensor.Close(x, Tf.Gather(y, idx), 0);
        Assert.Equal(DType.Int64, Tf.Unique(x, DType.Int64).Idx.DType);
    }

    [Fact]
    public void Unique_GradientAndErrors()
    {
        Tensor ids = Tf.Constant(new[] { 0, 1, 0, 2 });
        Tensor[] inputs = GradientCheck.RandomInputs(8, [new Shape(3)]);

        // x has distinct values, so unique(gather(x, ids)) is x itself: y's gradient reaches the first occurrences.
        GradientCheck.FirstOrder(x => Tf.Square(Tf.Unique(Tf.Gather(x[0], ids)).Y), inputs);
        GradientCheck.SecondOrder(x => Tf.Square(Tf.Unique(Tf.Gather(x[0], ids)).Y), inputs);
        (Tensor empty, Tensor emptyIdx) = Tf.Unique(Tf.Zeros([0]));
        Assert.Equal(new Shape(0), empty.Shape);
        Assert.Equal(new Shape(0), emptyIdx.Shape);
        var matrix = Assert.Throws<ArgumentException>(() => Tf.Unique(Tf.Zeros([2, 2])));
        Assert.Contains("Unique", matrix.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 2)", matrix.Message, StringComparison.Ordinal);
        Assert.Contains("out_idx", Assert.Throws<ArgumentException>(() => Tf.Unique(Tf.Zeros([2]), DType.Float32)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bool")]
    [InlineData("int32")]
    [InlineData("float64")]
    [InlineData("float16")]
    [InlineData("bfloat16")]
    public void Where_OneArgument_GivesCoordinatesOfNonZeros(string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor c = Tf.Cast(Tf.Constant(new double[,,] { { { 0, 2 }, { -1, 0 } }, { { 0, 0 }, { 0, 0.5 } } }), dtype);
        Tensor w = Tf.Where(c);
        Assert.Equal(DType.Int64, w.DType);
        // 0.5 casts to 0 as an int32 and to true as a bool.
        long[] expected = dtypeName == "int32" ? [0, 0, 1, 0, 1, 0] : [0, 0, 1, 0, 1, 0, 1, 1, 1];

        Assert.Equal(new Shape(expected.Length / 3, 3), w.Shape);
        Assert.Equal(expected, w.ToArray<long>());
    }

    [Fact]
    public void Where_OneArgument_EdgeValues()
    {
        Tensor w = Tf.Where(Tf.Constant(new[] { -0.0, double.NaN, 0.0 }));
        Assert.Equal([1L], w.ToArray<long>());
        Assert.Equal(new Shape(0, 2), Tf.Where(Tf.Zeros([2, 3], DType.Bool)).Shape);
        Assert.Equal(new Shape(1, 0), Tf.Where(Tf.Constant(true)).Shape);
    }

    [Fact]
    public void BooleanMask_SelectsSlices_AndGradients()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(9, [new Shape(2, 3, 2)]);
        double[] x = inputs[0].ToArray<double>();
        Tensor mask = Tf.Constant(new[] { true, false, true });
        Tensor byAxis1 = Tf.BooleanMask(inputs[0], mask, axis: 1);
        AssertTensor.Close([x[0], x[1], x[4], x[5], x[6], x[7], x[10], x[11]], byAxis1, new Shape(2, 2, 2), 0);

        Tensor mask2 = Tf.Constant(new[,] { { false, true, true }, { true, false, false } });
        AssertTensor.Close([x[2], x[3], x[4], x[5], x[6], x[7]], Tf.BooleanMask(inputs[0], mask2), new Shape(3, 2), 0);
        AssertTensor.Close([x[1], x[3], x[5], x[7], x[9], x[11]], Tf.BooleanMask(inputs[0], Tf.Constant(new[] { false, true }), -1), new Shape(2, 3, 1), 0);

        GradientCheck.FirstOrder(t => Tf.BooleanMask(Tf.Square(t[0]), mask2), inputs);
        GradientCheck.SecondOrder(t => Tf.BooleanMask(Tf.Square(t[0]), mask, 1), inputs);

        var wrongShape = Assert.Throws<ArgumentException>(() => Tf.BooleanMask(inputs[0], Tf.Constant(new[] { true, false, true, true })));
        Assert.Contains("BooleanMask", wrongShape.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3, 2)", wrongShape.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.BooleanMask(inputs[0], Tf.Constant(true)));
        Assert.Throws<ArgumentException>(() => Tf.BooleanMask(inputs[0], Tf.Constant(new[] { 1, 0 }), 0));
    }

    // Stable sort of each row (or column) of a rows x columns matrix; NaN never occurs here.
    private static (double[] Sorted, double[] Order) Reference(double[] values, int rows, int columns, bool alongRows, bool descending)
    {
        var sorted = new double[values.Length];
        var order = new double[values.Length];
        int lines = alongRows ? columns : rows, length = alongRows ? rows : columns;
        for (int line = 0; line < lines; line++)
        {
            int At(int i) => alongRows ? (i * columns) + line : (line * columns) + i;
            int[] positions = [.. Enumerable.Range(0, length).OrderBy(i => descending ? -values[At(i)] : values[At(i)])];
            for (int i = 0; i < length; i++)
            {
                sorted[At(i)] = values[At(positions[i])];
                order[At(i)] = positions[i];
            }
        }

        return (sorted, order);
    }

    private static double[] TakeColumns(double[] matrix, int rows, int columns, int k)
        => [.. Enumerable.Range(0, rows).SelectMany(r => matrix.Skip(r * columns).Take(k))];
}
