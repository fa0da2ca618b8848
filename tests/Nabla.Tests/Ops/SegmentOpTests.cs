using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Catalog of the segment reductions (sorted and unsorted Sum, Mean, Max, Min): forward against a float64
/// reference for every numeric dtype, gradients at first and second order, ties, and the id rules' errors.
/// </summary>
public class SegmentOpTests
{
    private const int Rows = 6;

    // Sorted ids skip segment 2; unsorted ids leave segments 1 and 3 empty and drop row 2 (id -1).
    private static readonly int[] s_sortedIds = [0, 0, 1, 3, 3, 3];
    private static readonly int[] s_unsortedIds = [2, 0, -1, 2, 0, 4];

    /// <summary>One row: the op, whether its ids are sorted, the reduction over a group, and what an empty segment holds.</summary>
    private sealed record Row(Func<Tensor, Tensor, Tensor> Op, bool Sorted, Func<List<double>, double> Reduce, EmptyValue Empty);

    private enum EmptyValue
    {
        Zero,
        Lowest,
        Highest,
    }

    private static readonly Dictionary<string, Row> s_catalog = new()
    {
        ["SegmentSum"] = new(Tf.SegmentSum, true, g => g.Sum(), EmptyValue.Zero),
        ["SegmentMean"] = new(Tf.SegmentMean, true, g => g.Average(), EmptyValue.Zero),
        ["SegmentMax"] = new(Tf.SegmentMax, true, g => g.Max(), EmptyValue.Zero),
        ["SegmentMin"] = new(Tf.SegmentMin, true, g => g.Min(), EmptyValue.Zero),
        ["UnsortedSegmentSum"] = new((d, i) => Tf.UnsortedSegmentSum(d, i, 5), false, g => g.Sum(), EmptyValue.Zero),
        ["UnsortedSegmentMean"] = new((d, i) => Tf.UnsortedSegmentMean(d, i, 5), false, g => g.Average(), EmptyValue.Zero),
        ["UnsortedSegmentMax"] = new((d, i) => Tf.UnsortedSegmentMax(d, i, 5), false, g => g.Max(), EmptyValue.Lowest),
        ["UnsortedSegmentMin"] = new((d, i) => Tf.UnsortedSegmentMin(d, i, 5), false, g => g.Min(), EmptyValue.Highest),
    };

    public static TheoryData<string, string> NamesAndDTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in s_catalog.Keys)
        {
            foreach (string dtype in new[] { "float32", "float64", "int32", "int64", "float16", "bfloat16" })
            {
                data.Add(name, dtype);
            }
        }

        return data;
    }

    public static TheoryData<string> Names() => [.. s_catalog.Keys];

    [Theory]
    [MemberData(nameof(NamesAndDTypes))]
    public void Forward_EveryDType_MatchesReference(string name, string dtypeName)
    {
        Row row = s_catalog[name];
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        var random = new Random(42);
        double[] values = [.. Enumerable.Range(0, Rows * 3).Select(_ => (double)random.Next(-9, 10))];
        Tensor data = Tf.Cast(Tf.Constant(values, [Rows, 3]), dtype);
        int[] ids = row.Sorted ? s_sortedIds : s_unsortedIds;
        Tensor result = row.Op(data, Tf.Constant(ids));
        Assert.Equal(dtype, result.DType);
        (double[] expected, int segments) = Reference(row, values, ids, 3, dtype);
        if (dtype.IsInteger && name.EndsWith("Mean", StringComparison.Ordinal))
        {
            expected = Array.ConvertAll(expected, Math.Truncate);
        }

        AssertTensor.Close(expected, result, new Shape(segments, 3), dtype.IsReducedPrecision ? 0.02 : 1e-6);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_FirstAndSecondOrder_MatchFiniteDifferences(string name)
    {
        Row row = s_catalog[name];
        Tensor ids = Tf.Constant(row.Sorted ? s_sortedIds : s_unsortedIds);
        Tensor[] inputs = GradientCheck.RandomInputs(17, [new Shape(Rows, 2)]);
        Tensor F(Tensor[] x)
        {
            // Empty unsorted max/min segments hold the dtype's limit; keep them out of the weighted sum.
            Tensor y = row.Op(Tf.Multiply(x[0], x[0]), ids);
            return Tf.Where(Tf.Less(Tf.Abs(y), 1e30), y, Tf.ZerosLike(y));
        }

        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Theory]
    [InlineData("SegmentMax")]
    [InlineData("UnsortedSegmentMin")]
    public void Gradient_Ties_SharedEqually(string name)
    {
        var data = new Variable(Tf.Constant(new[] { 4.0, 4.0, 1.0, 4.0 }));
        Tensor ids = Tf.Constant(new[] { 0, 0, 0, 1 });
        using var tape = new GradientTape();
        Tensor y = name == "SegmentMax" ? Tf.SegmentMax(data, ids) : Tf.UnsortedSegmentMin(Tf.Negative(data), ids, 2);
        Tensor? g = tape.Gradient(Tf.ReduceSum(Tf.Multiply(y, Tf.Constant(new[] { 2.0, 3.0 }))), data);
        double sign = name == "SegmentMax" ? 1 : -1;
        AssertTensor.Close([sign, sign, 0, 3 * sign], g!);
    }

    [Fact]
    public void Unsorted_IdsOfRankTwo_ArePrefixOfData()
    {
        Tensor data = Tf.Constant(new double[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        Tensor ids = Tf.Constant(new[,] { { 1, 0 }, { 1, 1 } });
        AssertTensor.Close([3, 4, 7, 8], Tf.UnsortedSegmentMax(data, ids, 2), new Shape(2, 2));
        AssertTensor.Close([3, 4, 13.0 / 3, 16.0 / 3], Tf.UnsortedSegmentMean(data, ids, 2), new Shape(2, 2));
    }

    [Fact]
    public void Sorted_NoIds_GiveNoSegments()
    {
        Tensor result = Tf.SegmentMax(Tf.Zeros([0, 3]), Tf.Constant(Array.Empty<int>()));
        Assert.Equal(new Shape(0, 3), result.Shape);
    }

    [Theory]
    [InlineData("SegmentSum", new[] { 0, 2, 1, 3, 3, 3 }, "not increasing")]
    [InlineData("SegmentMean", new[] { -1, 0, 1, 3, 3, 3 }, ">= 0")]
    [InlineData("SegmentMax", new[] { 0, 0, 1 }, "size of data's dimension 0")]
    [InlineData("SegmentMin", new[] { 0, 0, 1, 1, 2, 1 }, "not increasing")]
    public void Sorted_BadIds_ThrowNamingOpAndRule(string name, int[] ids, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => s_catalog[name].Op(Tf.Zeros([Rows, 2]), Tf.Constant(ids)));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Contains("(6, 2)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BadArguments_ThrowNamingOp(string name)
    {
        Row row = s_catalog[name];
        Tensor ids = Tf.Constant(row.Sorted ? s_sortedIds : s_unsortedIds);
        var floatIds = Assert.Throws<ArgumentException>(() => row.Op(Tf.Zeros([Rows, 2]), Tf.Cast(ids, DType.Float32)));
        Assert.Contains(name, floatIds.Message, StringComparison.Ordinal);
        var boolData = Assert.Throws<ArgumentException>(() => row.Op(Tf.Zeros([Rows, 2], DType.Bool), ids));
        Assert.Contains(name, boolData.Message, StringComparison.Ordinal);
        Assert.Contains("bool", boolData.Message, StringComparison.Ordinal);
        if (!row.Sorted)
        {
            var tooLarge = Assert.Throws<IndexOutOfRangeException>(() => row.Op(Tf.Zeros([Rows, 2]), Tf.Constant(new[] { 0, 1, 2, 3, 4, 5 })));
            Assert.Contains("segment_ids[5] = 5", tooLarge.Message, StringComparison.Ordinal);
            var notPrefix = Assert.Throws<ArgumentException>(() => row.Op(Tf.Zeros([Rows, 2]), Tf.Constant(new[] { 0, 1 })));
            Assert.Contains(name, notPrefix.Message, StringComparison.Ordinal);
        }
    }

    private static (double[] Values, int Segments) Reference(Row row, double[] values, int[] ids, int inner, DType dtype)
    {
        int segments = row.Sorted ? ids[^1] + 1 : 5;
        var result = new double[segments * inner];
        for (int s = 0; s < segments; s++)
        {
            for (int j = 0; j < inner; j++)
            {
                var group = new List<double>();
                for (int r = 0; r < ids.Length; r++)
                {
                    if (ids[r] == s)
                    {
                        group.Add(values[(r * inner) + j]);
                    }
                }

                result[(s * inner) + j] = group.Count > 0 ? row.Reduce(group) : row.Empty switch
                {
                    EmptyValue.Zero => 0,
                    EmptyValue.Lowest => dtype.IsInteger ? -Limit(dtype) - 1 : -Limit(dtype),
                    _ => Limit(dtype),
                };
            }
        }

        return (result, segments);
    }

    // numeric_limits<T>::max() of each dtype (the lowest value is its negation, or one below for integers).
    private static double Limit(DType dtype) => dtype.Name switch
    {
        "int32" => int.MaxValue,
        "int64" => long.MaxValue,
        "float16" => 65504,
        "bfloat16" => 3.3895313892515355e38,
        "float32" => float.MaxValue,
        _ => double.MaxValue,
    };
}
