using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>The C# indexer on <see cref="Tensor"/>: ints and Index remove an axis, ranges keep it.</summary>
public class IndexingTests
{
    public sealed record Row(string Name, Func<Tensor, Tensor> F, double[] Expected, Shape Output);

    // x = arange(12) of shape (3, 4): [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]].
    private static readonly Row[] s_rows =
    [
        new("t[1]", t => t[1], [4, 5, 6, 7], [4]),
        new("t[^1]", t => t[^1], [8, 9, 10, 11], [4]),
        new("t[-1]", t => t[-1], [8, 9, 10, 11], [4]),
        new("t[1..3]", t => t[1..3], [4, 5, 6, 7, 8, 9, 10, 11], [2, 4]),
        new("t[.., 0]", t => t[.., 0], [0, 4, 8], [3]),
        new("t[1..3, ^1]", t => t[1..3, ^1], [7, 11], [2]),
        new("t[..^1, 1..]", t => t[..^1, 1..], [1, 2, 3, 5, 6, 7], [2, 3]),
        new("t[2, 3]", t => t[2, 3], [11], []),
        new("t[..]", t => t[..], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]),
        new("t[1..1]", t => t[1..1], [], [0, 4]),
        new("t[0][^2]", t => t[0][^2], [2], []),
        new("t[::2]", t => t[TensorIndex.Slice(step: 2)], [0, 1, 2, 3, 8, 9, 10, 11], [2, 4]),
        new("t[:, ::-1]", t => t[.., TensorIndex.Slice(step: -1)], [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8], [3, 4]),
        new("t[-1::-2, 1::2]", t => t[TensorIndex.Slice(-1, null, -2), TensorIndex.Slice(1, null, 2)], [9, 11, 1, 3], [2, 2]),
        new("t[1:3, 3:0:-2]", t => t[TensorIndex.Slice(1, 3), TensorIndex.Slice(3, 0, -2)], [7, 5, 11, 9], [2, 2]),
        new("t[5:10] (clamped, empty)", t => t[TensorIndex.Slice(5, 10)], [], [0, 4]),
        new("t[-100:100:3] (clamped)", t => t[TensorIndex.Slice(-100, 100, 3)], [0, 1, 2, 3], [1, 4]),
        new("t[newaxis]", t => t[Tf.NewAxis], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 3, 4]),
        new("t[:, newaxis, 1]", t => t[.., Tf.NewAxis, 1], [1, 5, 9], [3, 1]),
        new("t[..., 0]", t => t[Tf.Ellipsis, 0], [0, 4, 8], [3]),
        new("t[1, ...]", t => t[1, Tf.Ellipsis], [4, 5, 6, 7], [4]),
        new("t[..., newaxis]", t => t[Tf.Ellipsis, Tf.NewAxis], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4, 1]),
        new("t[1:0:-1, ..., newaxis]", t => t[TensorIndex.Slice(1, 0, -1), Tf.Ellipsis, Tf.NewAxis], [4, 5, 6, 7], [1, 4, 1]),
        new("strided_slice masks", t => Tf.StridedSlice(t, [0, 3], [0, 0], [1, -2], beginMask: 1, endMask: 1), [3, 1, 7, 5, 11, 9], [3, 2]),
        new("strided_slice shrink", t => Tf.StridedSlice(t, [1, 0], [2, 4], [1, 2], shrinkAxisMask: 1), [4, 6], [2]),
        new("strided_slice ellipsis newaxis shrink", t => Tf.StridedSlice(t, [0, 0, -1], [0, 0, 0], [1, 1, 1], ellipsisMask: 1, newAxisMask: 2, shrinkAxisMask: 4), [3, 7, 11], [3, 1]),
    ];

    public static TheoryData<string, string> NamesAndDTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (Row row in s_rows)
        {
            foreach (DType d in DType.All)
            {
                data.Add(row.Name, d.Name);
            }
        }

        return data;
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Row row in s_rows)
        {
            data.Add(row.Name);
        }

        return data;
    }

    private static Row Find(string name) => Array.Find(s_rows, r => r.Name == name)!;

    [Theory]
    [MemberData(nameof(NamesAndDTypes))]
    public void Indexer_Forward_MatchesHandComputed(string name, string dtypeName)
    {
        Row row = Find(name);
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor y = row.F(ShapeOpTests.Arange([3, 4], dtype));
        Assert.Equal(dtype, y.DType);
        double[] expected = dtype == DType.Bool ? row.Expected.Select(v => v % 2).ToArray() : row.Expected;
        AssertTensor.Close(expected, y, row.Output);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Indexer_Gradients_MatchFiniteDifferences(string name)
    {
        Row row = Find(name);
        Tensor[] inputs = GradientCheck.RandomInputs(42, [[3, 4]]);
        GradientCheck.FirstOrder(x => Tf.Exp(row.F(x[0])), inputs);
        GradientCheck.SecondOrder(x => Tf.Exp(row.F(x[0])), inputs);
    }

    [Fact]
    public void Indexer_Gradient_ScattersUpstreamBackIntoZeros()
    {
        var x = new Variable(Tf.Constant(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]));
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceSum(Tf.Multiply(x[.., 1..], Tf.Constant(new float[] { 10, 20 })));
        AssertTensor.Close([0, 10, 20, 0, 10, 20], tape.Gradient(y, x)!, [2, 3]);
    }

    public static TheoryData<string, Func<Tensor, Tensor>> OutOfRange() => new()
    {
        { "Index 3 is out of range for axis 0 of size 3 in a tensor of shape (3, 4)", t => t[3] },
        { "Index ^4 is out of range for axis 0", t => t[^4] },
        { "Index ^5 is out of range for axis 0", t => t[-5] },
        { "Index 4 is out of range for axis 1 of size 4", t => t[0, 4] },
        { "Range 1..5 is out of range for axis 1", t => t[.., 1..5] },
        { "Range 2..1 is out of range for axis 0", t => t[2..1] },
        { "Too many indices (3) for a tensor of shape (3, 4)", t => t[0, 0, 0] },
        { "Too many indices (3) for a tensor of shape (3, 4)", t => t[Tf.NewAxis, 0, Tf.Ellipsis, 0, 0] },
        { "Index 5 is out of range for axis 0 of size 3", t => Tf.StridedSlice(t, [5], [6], shrinkAxisMask: 1) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Indexer_OutOfRange_ThrowsIndexOutOfRangeNamingIndexAxisShape(string message, Func<Tensor, Tensor> f)
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => f(Tf.Zeros([3, 4])));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_ScalarTensor_ThrowsForAnyIndex()
        => Assert.Throws<IndexOutOfRangeException>(() => Tf.Constant(1f)[0]);

    [Fact]
    public void TensorIndex_Conversions_KeepKindAndPrint()
    {
        TensorIndex a = 2;
        TensorIndex b = ^1;
        TensorIndex c = 1..3;
        Assert.False(a.IsRange);
        Assert.False(b.IsRange);
        Assert.True(c.IsRange);
        Assert.Equal("^1", b.ToString());
        Assert.Equal("1..3", c.ToString());
        Assert.Equal(a, (TensorIndex)2);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void TensorIndex_SliceNewAxisEllipsis_PrintAsPythonAndCompare()
    {
        Assert.Equal("1::2", TensorIndex.Slice(1, null, 2).ToString());
        Assert.Equal("::-1", TensorIndex.Slice(step: -1).ToString());
        Assert.Equal("newaxis", Tf.NewAxis.ToString());
        Assert.Equal("...", Tf.Ellipsis.ToString());
        Assert.Equal(TensorIndex.Slice(1, 3), TensorIndex.Slice(1, 3, 1));
        Assert.NotEqual(TensorIndex.Slice(1, 3), (TensorIndex)(1..3));
        Assert.NotEqual(Tf.NewAxis, Tf.Ellipsis);
        Assert.False(TensorIndex.Slice(1, 3).IsRange);
    }

    [Fact]
    public void StridedSlicing_BadSpecs_ThrowNamingTheProblem()
    {
        Tensor t = Tf.Zeros([3, 4]);
        var twoEllipses = Assert.Throws<ArgumentException>(() => t[Tf.Ellipsis, 0, Tf.Ellipsis]);
        Assert.Contains("Multiple ellipses", twoEllipses.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 4)", twoEllipses.Message, StringComparison.Ordinal);
        var zeroStep = Assert.Throws<ArgumentException>(() => TensorIndex.Slice(step: 0));
        Assert.Contains("zero", zeroStep.Message, StringComparison.Ordinal);
        var lengths = Assert.Throws<ArgumentException>(() => Tf.StridedSlice(t, [0], [1, 2]));
        Assert.Contains("StridedSlice", lengths.Message, StringComparison.Ordinal);
        var zeroStride = Assert.Throws<ArgumentException>(() => Tf.StridedSlice(t, [0], [1], [0]));
        Assert.Contains("strides[0] must be non-zero", zeroStride.Message, StringComparison.Ordinal);
    }
}
