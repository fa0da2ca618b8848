using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Gradient conventions at kinks, NaN handling and integer edge cases of the binary ops (TensorFlow's semantics).</summary>
public class BinaryOpSemanticsTests
{
    private static Tensor?[] Gradients(Func<Tensor, Tensor, Tensor> f, Tensor a, Tensor b)
    {
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor y = f(a, b);
        return tape.Gradient(y, [a, b]);
    }

    [Fact]
    public void Maximum_Tie_GivesWholeGradientToFirstArgument()
    {
        Tensor?[] g = Gradients(Tf.Maximum, Tf.Constant(2.0), Tf.Constant(2.0));
        Assert.Equal(1.0, g[0]!.Item<double>());
        Assert.Equal(0.0, g[1]!.Item<double>());
    }

    [Fact]
    public void Minimum_Tie_GivesWholeGradientToFirstArgument()
    {
        Tensor?[] g = Gradients(Tf.Minimum, Tf.Constant(2.0), Tf.Constant(2.0));
        Assert.Equal(1.0, g[0]!.Item<double>());
        Assert.Equal(0.0, g[1]!.Item<double>());
    }

    [Fact]
    public void Maximum_SameTensorTwice_GradientIsOne()
    {
        Tensor x = Tf.Constant(new[] { -1.0, 0.0, 3.0 });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.Maximum(x, x);
        AssertTensor.Close([1, 1, 1], tape.Gradient(y, x)!);
    }

    [Theory]
    [InlineData("Maximum", new[] { 0.0, 1, 1 })]
    [InlineData("Minimum", new[] { 1.0, 1, 0 })]
    public void MaximumMinimum_AgainstZeroAtZero_GradientIsOne(string op, double[] expected)
    {
        Func<Tensor, Tensor, Tensor> f = op == "Maximum" ? Tf.Maximum : Tf.Minimum;
        Tensor x = Tf.Constant(new[] { -1.0, 0.0, 1.0 });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = f(x, 0.0);
        AssertTensor.Close(expected, tape.Gradient(y, x)!);
    }

    [Theory]
    [InlineData("float32", 3)]
    [InlineData("float64", 3)]
    [InlineData("float32", 37)]
    [InlineData("float64", 37)]
    public void MaximumMinimum_NaN_Propagates(string dtypeName, int n)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = i % 3 == 0 ? double.NaN : i;
            ys[i] = i % 3 == 1 ? double.NaN : -i;
        }

        Tensor x = BinaryCatalog.Make(xs, [n], dtype);
        Tensor y = BinaryCatalog.Make(ys, [n], dtype);
        var max = new double[n];
        var min = new double[n];
        for (int i = 0; i < n; i++)
        {
            max[i] = i % 3 == 2 ? i : double.NaN;
            min[i] = i % 3 == 2 ? -i : double.NaN;
        }

        AssertTensor.Close(max, Tf.Maximum(x, y));
        AssertTensor.Close(min, Tf.Minimum(x, y));
        Tensor nan = BinaryCatalog.Make([double.NaN], [], dtype);
        foreach (double v in AssertTensor.ToDoubles(Tf.Maximum(x, nan)))
        {
            Assert.True(double.IsNaN(v));
        }

        foreach (double v in AssertTensor.ToDoubles(Tf.Minimum(nan, y)))
        {
            Assert.True(double.IsNaN(v));
        }
    }

    [Fact]
    public void ClipByValue_ForwardAndGradient_BoundsIncluded()
    {
        Tensor t = Tf.Constant(new[] { -2.0, -1.0, 0.0, 1.0, 2.0 });
        Tensor lo = Tf.Constant(-1.0);
        Tensor hi = Tf.Constant(1.0);
        using var tape = new GradientTape();
        tape.Watch(t);
        tape.Watch(lo);
        tape.Watch(hi);
        Tensor y = Tf.ClipByValue(t, lo, hi);
        AssertTensor.Close([-1, -1, 0, 1, 1], y);
        Tensor?[] g = tape.Gradient(y, [t, lo, hi]);
        AssertTensor.Close([0, 1, 1, 1, 0], g[0]!);
        AssertTensor.Close([1], g[1]!, Shape.Scalar);
        AssertTensor.Close([1], g[2]!, Shape.Scalar);
    }

    [Fact]
    public void ClipByValue_BroadcastBoundsAndInts_Work()
    {
        Tensor t = Tf.Constant(new[,] { { 1, 5, 9 }, { -3, 4, 12 } });
        Tensor y = Tf.ClipByValue(t, Tf.Constant(new[] { 0, 5, 6 }), 8);
        Assert.Equal(DType.Int32, y.DType);
        AssertTensor.Close([1, 5, 8, 0, 5, 8], y, new Shape(2, 3));
    }

    [Fact]
    public void ClipByValue_BoundsEnlargingShape_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.ClipByValue(Tf.Constant(new[] { 1.0, 2.0 }), Tf.Constant(new[,] { { 0.0 }, { 1.0 } }), 3.0));
        Assert.Contains("ClipByValue", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 2, 3, 1)]
    [InlineData(-7, 2, -4, 1)]
    [InlineData(7, -2, -4, -1)]
    [InlineData(-7, -2, 3, -1)]
    [InlineData(6, 3, 2, 0)]
    [InlineData(-6, 3, -2, 0)]
    [InlineData(0, 5, 0, 0)]
    [InlineData(int.MinValue, -1, int.MinValue, 0)]
    [InlineData(int.MinValue, 1, int.MinValue, 0)]
    [InlineData(int.MaxValue, -1, -int.MaxValue, 0)]
    public void FloorDivFloorMod_Integers_RoundTowardNegativeInfinity(int x, int y, int quotient, int remainder)
    {
        Assert.Equal(quotient, Tf.FloorDiv(Tf.Constant(x), Tf.Constant(y)).Item<int>());
        Assert.Equal(remainder, Tf.FloorMod(Tf.Constant(x), Tf.Constant(y)).Item<int>());
        long lx = x == int.MinValue ? long.MinValue : x;
        long lq = x == int.MinValue ? (y == -1 ? long.MinValue : long.MinValue / y) : quotient;
        Assert.Equal(lq, Tf.FloorDiv(Tf.Constant(lx), Tf.Constant((long)y)).Item<long>());
        Assert.Equal((long)remainder, Tf.FloorMod(Tf.Constant(lx), Tf.Constant((long)y)).Item<long>());
    }

    [Theory]
    [InlineData("FloorDiv", "int32")]
    [InlineData("FloorDiv", "int64")]
    [InlineData("FloorMod", "int32")]
    [InlineData("FloorMod", "int64")]
    public void FloorDivFloorMod_IntegerZeroDivisor_Throws(string op, string dtypeName)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor x = BinaryCatalog.Make([1, 2, 3, 4, 5, 6], [2, 3], dtype);
        var e = Assert.Throws<ArgumentException>(() => spec.Apply(x, BinaryCatalog.Make([1, 0, 2], [3], dtype)));
        Assert.Contains(op, e.Message, StringComparison.Ordinal);
        Assert.Contains("(3,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => spec.Apply(x, 0));
    }

    [Fact]
    public void FloatDivisionByZero_GivesInfinityOrNaN()
    {
        AssertTensor.Close([double.PositiveInfinity, double.NegativeInfinity, double.NaN],
            Tf.FloorDiv(Tf.Constant(new[] { 1.0, -1.0, 0.0 }), 0.0));
        AssertTensor.Close([double.NaN], Tf.FloorMod(Tf.Constant(new[] { 1f }), 0f));
        Tensor d = Tf.Divide(Tf.Constant(new[] { 1, -1 }), Tf.Constant(new[] { 0, 0 }));
        Assert.Equal(DType.Float64, d.DType);
        AssertTensor.Close([double.PositiveInfinity, double.NegativeInfinity], d);
    }

    [Fact]
    public void FloorDiv_Gradient_IsNone()
    {
        Tensor?[] g = Gradients(Tf.FloorDiv, Tf.Constant(new[] { 3.5, -2.0 }), Tf.Constant(2.0));
        Assert.Null(g[0]);
        Assert.Null(g[1]);
    }

    [Fact]
    public void FloorMod_Gradient_IsOneAndMinusFloorQuotient()
    {
        Tensor?[] g = Gradients(Tf.FloorMod, Tf.Constant(new[] { 7.5, -7.5 }), Tf.Constant(new[] { 2.0, 2.0 }));
        AssertTensor.Close([1, 1], g[0]!);
        AssertTensor.Close([-3, 4], g[1]!);
    }

    [Fact]
    public void Pow_GradientWithRespectToExponentAtZeroBase_IsZeroNotNaN()
    {
        Tensor?[] g = Gradients(Tf.Pow, Tf.Constant(new[] { 0.0, 2.0 }), Tf.Constant(new[] { 2.0, 3.0 }));
        AssertTensor.Close([0, 12], g[0]!);
        AssertTensor.Close([0, 8 * Math.Log(2)], g[1]!);
    }

    [Fact]
    public void Pow_IntegerNegativeExponent_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Pow(Tf.Constant(new[] { 2, 3 }), -1));
        Assert.Contains("Pow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Atan2_TakesYFirst_AndCoversAllQuadrants()
    {
        Tensor y = Tf.Constant(new[] { 1.0, 1.0, -1.0, -1.0, 0.0, -0.0 });
        Tensor x = Tf.Constant(new[] { 1.0, -1.0, -1.0, 1.0, -1.0, -1.0 });
        AssertTensor.Close([Math.PI / 4, 3 * Math.PI / 4, -3 * Math.PI / 4, -Math.PI / 4, Math.PI, -Math.PI], Tf.Atan2(y, x));
        Tensor?[] g = Gradients(Tf.Atan2, Tf.Constant(1.0), Tf.Constant(2.0));
        AssertTensor.Close([2.0 / 5], g[0]!);
        AssertTensor.Close([-1.0 / 5], g[1]!);
    }

    [Fact]
    public void SquaredDifference_Integers_IsExact()
        => AssertTensor.Close([4, 0, 49], Tf.SquaredDifference(Tf.Constant(new[] { 3L, 2L, -5L }), Tf.Constant(new[] { 5L, 2L, 2L })));

    [Fact]
    public void Logical_BroadcastAndWeakBool_Work()
    {
        Tensor a = Tf.Constant(new[,] { { true }, { false } });
        Tensor b = Tf.Constant(new[] { true, false, true });
        AssertTensor.Close([1, 0, 1, 0, 0, 0], Tf.LogicalAnd(a, b), new Shape(2, 3));
        AssertTensor.Close([1, 1, 1, 1, 0, 1], Tf.LogicalOr(a, b), new Shape(2, 3));
        AssertTensor.Close([1, 0, 1], Tf.LogicalAnd(b, true));
        AssertTensor.Close([1, 1, 1], Tf.LogicalOr(Tf.LogicalNot(Tf.LogicalNot(b)), Tf.LogicalNot(b)));
    }

    [Fact]
    public void Logical_WeakNumber_Throws()
    {
        Tensor b = Tf.Constant(new[] { true, false });
        var e = Assert.Throws<ArgumentException>(() => Tf.LogicalAnd(b, 1));
        Assert.Contains("LogicalAnd", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.LogicalOr(0.0, b));
    }
}
