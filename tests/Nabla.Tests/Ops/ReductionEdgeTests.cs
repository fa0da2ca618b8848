using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Reductions on empty inputs, NaN, integer means and bad arguments; ArgMax/ArgMin and CumSum.</summary>
public class ReductionEdgeTests
{
    public static TheoryData<string, DType, double> EmptyCases => new()
    {
        { "Sum", DType.Float32, 0 }, { "Sum", DType.Int32, 0 }, { "Prod", DType.Float64, 1 }, { "Prod", DType.Int64, 1 },
        { "Max", DType.Float32, double.NegativeInfinity }, { "Max", DType.Float16, double.NegativeInfinity },
        { "Min", DType.Float64, double.PositiveInfinity }, { "Max", DType.Int32, int.MinValue }, { "Min", DType.Int64, long.MaxValue },
        { "Mean", DType.Float32, double.NaN }, { "Mean", DType.BFloat16, double.NaN }, { "Mean", DType.Int32, 0 },
        { "LogSumExp", DType.Float32, double.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(EmptyCases))]
    public void Reduction_EmptyAxis_GivesIdentity(string name, DType dtype, double expected)
    {
        Tensor x = Tf.Zeros(new Shape(0, 3), dtype);
        Tensor y = Op(name)(x, [0], false);
        Assert.Equal(new Shape(3), y.Shape);
        double[] got = AssertTensor.ToDoubles(y);
        Assert.All(got, v => Assert.Equal(expected, v));
        Assert.Equal(new Shape(0), Op(name)(Tf.Zeros(new Shape(3, 0), dtype), [0], false).Shape);
    }

    [Fact]
    public void ReduceAnyAll_Empty_GiveFalseAndTrue()
    {
        Tensor x = Tf.Constant(Array.Empty<bool>(), new Shape(0));
        Assert.False(Tf.ReduceAny(x).Item<bool>());
        Assert.True(Tf.ReduceAll(x).Item<bool>());
    }

    [Theory]
    [InlineData("Max")]
    [InlineData("Min")]
    [InlineData("Sum")]
    [InlineData("Prod")]
    [InlineData("Mean")]
    [InlineData("LogSumExp")]
    public void Reduction_NaN_Propagates(string name)
    {
        Tensor x = Tf.Constant(new[] { 1f, 5f, float.NaN, -2f, 0f, 3f }, new Shape(2, 3));
        Tensor y = Op(name)(x, [1], false);
        Assert.True(float.IsNaN(y.ToArray<float>()[0]));
        Assert.False(float.IsNaN(y.ToArray<float>()[1]));
    }

    [Fact]
    public void ReduceLogSumExp_LargeAndInfiniteInputs_StaysFinite()
    {
        AssertTensor.Close([1000 + Math.Log(2)], Tf.ReduceLogSumExp(Tf.Constant(new[] { 1000.0, 1000.0 }), keepdims: true));
        AssertTensor.Close([double.NegativeInfinity, double.PositiveInfinity],
            Tf.ReduceLogSumExp(Tf.Constant(new[] { double.NegativeInfinity, double.NegativeInfinity, double.PositiveInfinity, 1 }, new Shape(2, 2)), axis: 1));
    }

    [Theory]
    [InlineData(new[] { 1, 2 }, 1)]
    [InlineData(new[] { -1, -2 }, -1)]
    [InlineData(new[] { 7, 7, 8 }, 7)]
    [InlineData(new[] { -7, -7, -8 }, -7)]
    public void ReduceMean_Integers_TruncateTowardZero(int[] values, int expected)
    {
        Assert.Equal(expected, Tf.ReduceMean(Tf.Constant(values)).Item<int>());
        Assert.Equal((long)expected, Tf.ReduceMean(Tf.Cast(Tf.Constant(values), DType.Int64)).Item<long>());
    }

    [Theory]
    [InlineData("Sum", "Sum")]
    [InlineData("Mean", "Mean")]
    [InlineData("Max", "Max")]
    [InlineData("Min", "Min")]
    [InlineData("Prod", "Prod")]
    [InlineData("LogSumExp", "ReduceLogSumExp")]
    [InlineData("Variance", "ReduceVariance")]
    [InlineData("Std", "ReduceStd")]
    public void Reduction_AxisOutOfRange_ThrowsNamingOpAxisAndShape(string name, string opName)
    {
        Tensor x = Tf.Zeros(new Shape(2, 3, 4));
        foreach (int axis in new[] { 3, -4 })
        {
            var e = Assert.Throws<ArgumentException>(() => Op(name)(x, [0, axis], false));
            Assert.Contains(opName, e.Message, StringComparison.Ordinal);
            Assert.Contains(axis.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
            Assert.Contains("(2, 3, 4)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reduction_WrongDType_ThrowsNamingOp()
    {
        Tensor b = Tf.Constant(new[] { true, false });
        Tensor f = Tf.Constant(new[] { 1f, 2f });
        Tensor i = Tf.Constant(new[] { 1, 2 });
        Assert.Contains("Sum", Assert.Throws<ArgumentException>(() => Tf.ReduceSum(b)).Message, StringComparison.Ordinal);
        Assert.Contains("Max", Assert.Throws<ArgumentException>(() => Tf.ReduceMax(b)).Message, StringComparison.Ordinal);
        Assert.Contains("Any", Assert.Throws<ArgumentException>(() => Tf.ReduceAny(f)).Message, StringComparison.Ordinal);
        Assert.Contains("All", Assert.Throws<ArgumentException>(() => Tf.ReduceAll(i)).Message, StringComparison.Ordinal);
        Assert.Contains("ReduceLogSumExp", Assert.Throws<ArgumentException>(() => Tf.ReduceLogSumExp(i)).Message, StringComparison.Ordinal);
        Assert.Contains("ReduceVariance", Assert.Throws<ArgumentException>(() => Tf.ReduceVariance(i)).Message, StringComparison.Ordinal);
        Assert.Contains("ArgMax", Assert.Throws<ArgumentException>(() => Tf.ArgMax(b)).Message, StringComparison.Ordinal);
        Assert.Contains("ArgMax", Assert.Throws<ArgumentException>(() => Tf.ArgMax(f, 0, DType.Float32)).Message, StringComparison.Ordinal);
        Assert.Contains("Cumsum", Assert.Throws<ArgumentException>(() => Tf.CumSum(b)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgMaxCumSum_BadAxis_Throws()
    {
        Tensor x = Tf.Zeros(new Shape(2, 3));
        Assert.Contains("ArgMin", Assert.Throws<ArgumentException>(() => Tf.ArgMin(x, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("Cumsum", Assert.Throws<ArgumentException>(() => Tf.CumSum(x, -3)).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Tf.ArgMax(Tf.Zeros(new Shape(0, 3)))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.ArgMax(Tf.Constant(1f)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ArgMaxArgMin_AllAxesAndDTypes_MatchFirstIndexReference(bool max)
    {
        var random = new Random(42);
        var shape = new Shape(3, 4, 5);
        double[] x = [.. Enumerable.Range(0, shape.Size).Select(_ => (double)random.Next(-2, 3))];
        foreach (DType dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16 })
        {
            Tensor input = Tf.Cast(Tf.Constant(x, shape), dtype);
            foreach (int axis in new[] { 0, 1, 2, -1 })
            {
                (double[] expected, Shape outShape) = ReductionOpTests.Reference(
                    [.. Enumerable.Range(0, x.Length).Select(i => (double)i)], shape, [axis], false, g => FirstBest(x, g, max));
                Tensor y = max ? Tf.ArgMax(input, axis) : Tf.ArgMin(input, axis);
                Assert.Equal(DType.Int64, y.DType);
                AssertTensor.Close(expected, y, outShape);
                Tensor y32 = max ? Tf.ArgMax(input, axis, DType.Int32) : Tf.ArgMin(input, axis, DType.Int32);
                Assert.Equal(DType.Int32, y32.DType);
                AssertTensor.Close(expected, y32, outShape);
            }
        }
    }

    [Fact]
    public void ArgMaxArgMin_NaN_IsFirstNaN()
    {
        Tensor x = Tf.Constant(new[] { 1.0, 9.0, double.NaN, 3.0, double.NaN, -9.0 });
        Assert.Equal(2L, Tf.ArgMax(x).Item<long>());
        Assert.Equal(2L, Tf.ArgMin(x).Item<long>());
        Tensor rows = Tf.Constant(new[] { 1f, 2f, float.NaN, 0f, float.NaN, 5f }, new Shape(3, 2));
        Assert.Equal([1L, 2L], Tf.ArgMax(rows, 0).ToArray<long>());
        Assert.Equal([1L, 1L], Tf.ArgMin(rows, 0).ToArray<long>());
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(1, true, false)]
    [InlineData(-1, false, true)]
    [InlineData(2, true, true)]
    [InlineData(0, true, true)]
    public void CumSum_MatchesReferenceAndGradients(int axis, bool exclusive, bool reverse)
    {
        var shape = new Shape(3, 4, 5);
        var random = new Random(42);
        double[] x = [.. Enumerable.Range(0, shape.Size).Select(_ => (double)random.Next(-5, 6))];
        double[] expected = CumSumReference(x, shape, axis < 0 ? axis + 3 : axis, exclusive, reverse);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16 })
        {
            Tensor y = Tf.CumSum(Tf.Cast(Tf.Constant(x, shape), dtype), axis, exclusive, reverse);
            Assert.Equal(dtype, y.DType);
            AssertTensor.Close(expected, y, shape);
        }

        Tensor[] inputs = GradientCheck.RandomInputs(5, [new Shape(2, 3, 4)]);
        int gradAxis = Math.Min(axis, 2);
        GradientCheck.FirstOrder(t => Tf.CumSum(Tf.Multiply(t[0], t[0]), gradAxis, exclusive, reverse), inputs);
        GradientCheck.SecondOrder(t => Tf.CumSum(Tf.Multiply(t[0], t[0]), gradAxis, exclusive, reverse), inputs);
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(1, true, false)]
    [InlineData(-1, false, true)]
    [InlineData(2, true, true)]
    public void CumProd_MatchesReferenceAndGradients(int axis, bool exclusive, bool reverse)
    {
        var shape = new Shape(3, 4, 5);
        var random = new Random(43);
        double[] x = [.. Enumerable.Range(0, shape.Size).Select(_ => (double)random.Next(-3, 4))];
        double[] expected = CumSumReference(x, shape, axis < 0 ? axis + 3 : axis, exclusive, reverse, product: true);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16 })
        {
            Tensor y = Tf.CumProd(Tf.Cast(Tf.Constant(x, shape), dtype), axis, exclusive, reverse);
            Assert.Equal(dtype, y.DType);
            AssertTensor.Close(expected, y, shape, dtype.IsReducedPrecision ? 0.02 : 1e-6);
        }

        // Away from zero, where TensorFlow's rule (divide by x) is the true derivative.
        Tensor[] inputs = GradientCheck.RandomInputs(6, [new Shape(2, 3, 4)], 0.5, 1.5);
        int gradAxis = Math.Min(axis, 2);
        GradientCheck.FirstOrder(t => Tf.CumProd(Tf.Multiply(t[0], t[0]), gradAxis, exclusive, reverse), inputs);
        GradientCheck.SecondOrder(t => Tf.CumProd(Tf.Multiply(t[0], t[0]), gradAxis, exclusive, reverse), inputs);
    }

    [Fact]
    public void CumProd_ZeroInput_GradientIsFiniteAsTensorFlows()
    {
        var x = new Variable(new[] { 2.0, 0.0, 3.0 });
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceSum(Tf.CumProd(x));
        double[] g = tape.Gradient(y, x)!.ToArray<double>();

        // y = 2 + 0 + 0: dy/dx0 = 1 (exact); TensorFlow's div_no_nan gives 0 at the zero (the true value is 2 + 6).
        Assert.Equal([1.0, 0.0, 0.0], g);
        Assert.Contains("Cumprod", Assert.Throws<ArgumentException>(() => Tf.CumProd(Tf.Constant(new[] { true }))).Message, StringComparison.Ordinal);
        Assert.Contains("Cumprod", Assert.Throws<ArgumentException>(() => Tf.CumProd(x, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CumSum_EmptyAndLengthOne_Work()
    {
        Assert.Equal(new Shape(0, 3), Tf.CumSum(Tf.Zeros(new Shape(0, 3)), 1).Shape);
        AssertTensor.Close([0, 0], Tf.CumSum(Tf.Constant(new[,] { { 4.0 }, { 5.0 } }), 1, exclusive: true));
        AssertTensor.Close([4, 5], Tf.CumSum(Tf.Constant(new[,] { { 4.0 }, { 5.0 } }), 1, reverse: true));
    }

    private static double FirstBest(double[] x, double[] indices, bool max)
    {
        int best = (int)indices[0];
        foreach (double i in indices)
        {
            if (max ? x[(int)i] > x[best] : x[(int)i] < x[best])
            {
                best = (int)i;
            }
        }

        // The reference returns the position along the axis: the rank of `best` within its group.
        return Array.IndexOf(indices, best);
    }

    private static double[] CumSumReference(double[] x, Shape shape, int axis, bool exclusive, bool reverse, bool product = false)
    {
        int outer = 1, inner = 1, n = shape[axis];
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        for (int d = axis + 1; d < shape.Rank; d++)
        {
            inner *= shape[d];
        }

        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double running = product ? 1 : 0;
                for (int s = 0; s < n; s++)
                {
                    int k = reverse ? n - 1 - s : s;
                    int at = (((o * n) + k) * inner) + i;
                    double before = running;
                    running = product ? running * x[at] : running + x[at];
                    y[at] = exclusive ? before : running;
                }
            }
        }

        return y;
    }

    private static Func<Tensor, int[]?, bool, Tensor> Op(string name) => name switch
    {
        "Sum" => Tf.ReduceSum,
        "Mean" => Tf.ReduceMean,
        "Max" => Tf.ReduceMax,
        "Min" => Tf.ReduceMin,
        "Prod" => Tf.ReduceProd,
        "LogSumExp" => Tf.ReduceLogSumExp,
        "Variance" => Tf.ReduceVariance,
        _ => Tf.ReduceStd,
    };
}
