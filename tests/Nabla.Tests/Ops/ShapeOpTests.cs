using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Catalog of the shape and data-movement ops: forward per dtype, gradients, errors.</summary>
public class ShapeOpTests
{
    /// <summary>
    /// One op applied to x = arange(size) of <paramref name="Input"/>. Movement ops only pick input values (or the
    /// pad value 0), so the same expectation holds for bool as value % 2 != 0.
    /// </summary>
    public sealed record Row(string Name, Shape Input, Func<Tensor, Tensor> F, double[] Expected, Shape Output, bool Moves = true);

    private static readonly Row[] s_rows =
    [
        new("Transpose default", [2, 3], x => Tf.Transpose(x), [0, 3, 1, 4, 2, 5], [3, 2]),
        new("Transpose perm", [2, 1, 2], x => Tf.Transpose(x, [2, 0, -2]), [0, 2, 1, 3], [2, 2, 1]),
        new("Reshape -1", [2, 3], x => Tf.Reshape(x, [3, -1]), [0, 1, 2, 3, 4, 5], [3, 2]),
        new("ExpandDims", [2, 3], x => Tf.ExpandDims(x, -1), [0, 1, 2, 3, 4, 5], [2, 3, 1]),
        new("ExpandDims front", [2], x => Tf.ExpandDims(x, 0), [0, 1], [1, 2]),
        new("Squeeze all", [1, 3, 1], x => Tf.Squeeze(x), [0, 1, 2], [3]),
        new("Squeeze axis", [1, 3, 1], x => Tf.Squeeze(x, [-1]), [0, 1, 2], [1, 3]),
        new("Concat", [2, 2], x => Tf.Concat([x, x], 1), [0, 1, 0, 1, 2, 3, 2, 3], [2, 4]),
        new("Concat axis0", [1, 2], x => Tf.Concat([x, Tf.Reverse(x, [1]), x], -2), [0, 1, 1, 0, 0, 1], [3, 2]),
        new("Stack", [2], x => Tf.Stack([x, x], 1), [0, 0, 1, 1], [2, 2]),
        new("Stack axis0", [2], x => Tf.Stack([x, Tf.Reverse(x, [0])]), [0, 1, 1, 0], [2, 2]),
        new("Unstack", [2, 3], x => Tf.Unstack(x, 1)[1], [1, 4], [2]),
        new("Split num", [2, 3], x => Tf.Split(x, 3, 1)[2], [2, 5], [2, 1]),
        new("Split sizes", [3, 2], x => Tf.Split(x, [1, -1])[1], [2, 3, 4, 5], [2, 2]),
        new("Tile 2d", [2, 2], x => Tf.Tile(x, [1, 2]), [0, 1, 0, 1, 2, 3, 2, 3], [2, 4]),
        new("Tile 1d", [2], x => Tf.Tile(x, [3]), [0, 1, 0, 1, 0, 1], [6]),
        new("Tile rows", [1, 2], x => Tf.Tile(x, [2, 1]), [0, 1, 0, 1], [2, 2]),
        new("Pad", [2, 2], x => Tf.Pad(x, new[,] { { 1, 0 }, { 0, 1 } }), [0, 0, 0, 0, 1, 0, 2, 3, 0], [3, 3]),
        new("Reverse inner", [2, 3], x => Tf.Reverse(x, [1]), [2, 1, 0, 5, 4, 3], [2, 3]),
        new("Reverse both", [2, 3], x => Tf.Reverse(x, [0, -1]), [5, 4, 3, 2, 1, 0], [2, 3]),
        new("Slice", [3, 4], x => Tf.Slice(x, [1, 1], [2, -1]), [5, 6, 7, 9, 10, 11], [2, 3]),
        new("Gather axis0", [3, 2], x => Tf.Gather(x, new[] { 2, 0, 2 }), [4, 5, 0, 1, 4, 5], [3, 2]),
        new("Gather axis1", [2, 3], x => Tf.Gather(x, new[,] { { 1 }, { 0 } }, 1), [1, 0, 4, 3], [2, 2, 1]),
        new("Gather int64", [3], x => Tf.Gather(x, Tf.Constant(new long[] { 1, 1 }, [2]), -1), [1, 1], [2]),
        new("GatherNd elements", [2, 3], x => Tf.GatherNd(x, new[,] { { 1, 2 }, { 0, 0 } }), [5, 0], [2]),
        new("GatherNd rows", [2, 3], x => Tf.GatherNd(x, new[,] { { 1 } }), [3, 4, 5], [1, 3]),
        new("TensorScatterUpdate", [3, 2], x => Tf.TensorScatterUpdate(x, new[,] { { 0 } }, Tf.Slice(x, [1, 0], [1, 2])), [2, 3, 2, 3, 4, 5], [3, 2]),
        new("ScatterNd duplicates", [3], x => Tf.ScatterNd(new[,] { { 1 }, { 1 }, { 0 } }, x, [3]), [2, 1, 0], [3], Moves: false),
        new("UnsortedSegmentSum", [4, 2], x => Tf.UnsortedSegmentSum(x, new[] { 0, 2, 0, 1 }, 3), [4, 6, 6, 7, 2, 3], [3, 2], Moves: false),
        new("Slice of transpose", [2, 3], x => Tf.Slice(Tf.Transpose(x), [1, 0], [2, 2]), [1, 4, 2, 5], [2, 2]),
        new("Concat of slices", [2, 3], x => Tf.Concat([x[.., 1..], Tf.Transpose(x)[..2]], 0), [1, 2, 4, 5, 0, 3, 1, 4], [4, 2]),
        new("Tile of reverse", [2], x => Tf.Tile(Tf.Reverse(x, [0]), [2]), [1, 0, 1, 0], [4]),
        new("Gather repeated grad", [3], x => Tf.Gather(x, new[] { 0, 0, 2 }), [0, 0, 2], [3]),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Row row in s_rows)
        {
            data.Add(row.Name);
        }

        return data;
    }

    public static TheoryData<string, string> NamesAndDTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (Row row in s_rows)
        {
            foreach (DType d in DType.All)
            {
                if (row.Moves || d.IsNumeric)
                {
                    data.Add(row.Name, d.Name);
                }
            }
        }

        return data;
    }

    private static Row Find(string name) => Array.Find(s_rows, r => r.Name == name)!;

    internal static Tensor Arange(Shape shape, DType dtype)
    {
        var values = new double[shape.Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dtype == DType.Bool ? i % 2 : i;
        }

        return Tf.Cast(Tf.Constant(values, shape), dtype);
    }

    [Theory]
    [MemberData(nameof(NamesAndDTypes))]
    public void Op_Forward_MatchesHandComputed(string name, string dtypeName)
    {
        Row row = Find(name);
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor y = row.F(Arange(row.Input, dtype));
        Assert.Equal(dtype, y.DType);
        double[] expected = dtype == DType.Bool ? row.Expected.Select(v => v % 2).ToArray() : row.Expected;
        AssertTensor.Close(expected, y, row.Output);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Op_Gradients_MatchFiniteDifferences(string name)
    {
        Row row = Find(name);
        Tensor[] inputs = GradientCheck.RandomInputs(42, [row.Input]);
        GradientCheck.FirstOrder(x => row.F(x[0]), inputs);
        GradientCheck.SecondOrder(x => row.F(x[0]), inputs);
    }

    [Fact]
    public void Concat_TwoInputs_GradientsMatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(3, [[2, 3], [2, 1], [2, 2]]);
        GradientCheck.FirstOrder(x => Tf.Concat(x, 1), inputs);
        GradientCheck.SecondOrder(x => Tf.Concat(x, 1), inputs);
        GradientCheck.FirstOrder(x => Tf.Stack([x[0], Tf.Exp(x[0])], 2), inputs[..1]);
    }

    [Fact]
    public void ScatterAndUpdate_BothInputs_GradientsMatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(5, [[3, 2], [2, 2]]);
        int[,] idx = { { 2 }, { 0 } };
        Tensor F(Tensor[] x) => Tf.Multiply(Tf.TensorScatterUpdate(x[0], idx, x[1]), Tf.TensorScatterUpdate(x[0], idx, x[1]));
        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
        Tensor G(Tensor[] x) => Tf.Multiply(Tf.ScatterNd(idx, x[1], [3, 2]), x[0]);
        GradientCheck.FirstOrder(G, inputs);
        GradientCheck.SecondOrder(G, inputs);
        Tensor H(Tensor[] x) => Tf.Exp(Tf.Gather(Tf.Transpose(x[0]), new[] { 1, 1 }, 1));
        GradientCheck.FirstOrder(H, inputs[..1]);
        GradientCheck.SecondOrder(H, inputs[..1]);
    }

    [Fact]
    public void Gather_ReducedPrecision_GradientAccumulatesRepeats()
    {
        Tensor x = Tf.Cast(Tf.Constant(new[] { 1.0, 2.0, 3.0 }), DType.Float16);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.ReduceSum(Tf.Gather(x, new[] { 0, 0, 2 }));
        Tensor g = tape.Gradient(y, x)!;
        Assert.Equal(DType.Float16, g.DType);
        AssertTensor.Close([2, 0, 1], g, [3]);
    }

    public static TheoryData<string, Func<Tensor>> Errors() => new()
    {
        { "Transpose", () => Tf.Transpose(Tf.Zeros([2, 3]), [0, 0]) },
        { "Transpose", () => Tf.Transpose(Tf.Zeros([2, 3]), [0, 1, 2]) },
        { "ExpandDims", () => Tf.ExpandDims(Tf.Zeros([2, 3]), 4) },
        { "squeeze", () => Tf.Squeeze(Tf.Zeros([2, 3]), [1]) },
        { "Squeeze", () => Tf.Squeeze(Tf.Zeros([2, 3]), [2]) },
        { "ConcatV2", () => Tf.Concat([Tf.Zeros([2, 3]), Tf.Zeros([3, 3])], 1) },
        { "ConcatV2", () => Tf.Concat([Tf.Zeros([2, 3]), Tf.Zeros([2, 3], DType.Int32)], 0) },
        { "ConcatV2", () => Tf.Concat([Tf.Zeros([2, 3]), Tf.Zeros([2, 3])], 2) },
        { "Pack", () => Tf.Stack([Tf.Zeros([2]), Tf.Zeros([3])]) },
        { "Split", () => Tf.Split(Tf.Zeros([2, 3]), 2, 1)[0] },
        { "SplitV", () => Tf.Split(Tf.Zeros([2, 3]), [1, 1], 1)[0] },
        { "Tile", () => Tf.Tile(Tf.Zeros([2, 3]), [2]) },
        { "PadV2", () => Tf.Pad(Tf.Zeros([2]), new[,] { { -1, 0 } }) },
        { "ReverseV2", () => Tf.Reverse(Tf.Zeros([2]), [0, -1]) },
        { "Slice", () => Tf.Slice(Tf.Zeros([2, 3]), [1, 1], [2, 1]) },
        { "GatherV2", () => Tf.Gather(Tf.Zeros([2, 3]), Tf.Zeros([2])) },
        { "ScatterNd", () => Tf.ScatterNd(new[,] { { 0 } }, Tf.Zeros([2]), [3]) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Op_BadArguments_ThrowsArgumentExceptionNamingOp(string op, Func<Tensor> call)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => call());
        Assert.Contains(op, e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<Tensor>> OutOfRange() => new()
    {
        { "indices[1] = 3", () => Tf.Gather(Tf.Zeros([3, 2]), new[] { 0, 3 }) },
        { "indices[0] = -1", () => Tf.Gather(Tf.Zeros([3, 2]), new[] { -1 }, 1) },
        { "(2, 3)", () => Tf.GatherNd(Tf.Zeros([2, 3]), new[,] { { 0, 3 } }) },
        { "(3,)", () => Tf.ScatterNd(new[,] { { 5 } }, Tf.Zeros([1]), [3]) },
        { "(2, 2)", () => Tf.TensorScatterUpdate(Tf.Zeros([2, 2]), new[,] { { 2 } }, Tf.Zeros([1, 2])) },
        { "segment_ids[1] = 4", () => Tf.UnsortedSegmentSum(Tf.Zeros([2]), new[] { 0, 4 }, 2) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void IndexOp_OutOfRange_ThrowsIndexOutOfRange(string fragment, Func<Tensor> call)
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => call());
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transpose_BadPerm_MessageNamesPermAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Transpose(Tf.Zeros([2, 3, 4]), [0, 3, 1]));
        Assert.Contains("(0, 3, 1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3, 4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concat_WeakArray_TakesStrongDType()
    {
        Tensor y = Tf.Concat([Tf.Constant(new[] { 1f, 2f }), new[] { 3, 4 }], 0);
        Assert.Equal(DType.Float32, y.DType);
        AssertTensor.Close([1, 2, 3, 4], y, [4]);
    }

    [Fact]
    public void Ops_EmptyTensors_GiveEmptyResults()
    {
        Tensor e = Tf.Zeros([0, 3]);
        Assert.Equal(new Shape(3, 0), Tf.Transpose(e).Shape);
        Assert.Equal(new Shape(2, 3), Tf.Concat([e, Tf.Ones([2, 3])], 0).Shape);
        Assert.Equal(new Shape(0, 6), Tf.Tile(e, [5, 2]).Shape);
        Assert.Empty(Tf.Unstack(e));
        Assert.Equal(new Shape(0, 3), Tf.Gather(Tf.Ones([2, 3]), Tf.Zeros([0], DType.Int32)).Shape);
    }
}
