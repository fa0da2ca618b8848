using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>The dtype rules of binary ops (weak C# values, strong mismatches, truediv promotion), the C# operators, Where and Cast.</summary>
public class DTypeRuleTests
{
    [Fact]
    public void Add_Int32TensorAndWeakInt_StaysInt32()
    {
        Tensor y = Tf.Add(Tf.Constant(new[] { 1, 2 }), 1);
        Assert.Equal(DType.Int32, y.DType);
        Assert.Equal(new[] { 2, 3 }, y.ToArray<int>());
    }

    [Fact]
    public void Add_WeakDoubleBesideReducedPrecision_KeepsTensorDType()
    {
        Tensor h = Tf.Cast(Tf.Constant(new[] { 1.0, 2.0 }), DType.Float16);
        Assert.Equal(DType.Float16, Tf.Add(h, 1.5).DType);
        Assert.Equal(DType.Float32, Tf.Multiply(2.5, Tf.Constant(new[] { 1f })).DType);
    }

    [Fact]
    public void Add_StrongInt32AndFloat64_ThrowsNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Add(Tf.Constant(1), Tf.Constant(1.0)));
        Assert.Contains("int32", e.Message, StringComparison.Ordinal);
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
        Assert.Contains("AddV2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_Int32TensorAndFractionalWeak_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Add(Tf.Constant(new[] { 1, 2 }), 1.5));
        Assert.Contains("int32", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Add(Tf.Constant(new[] { 1, 2 }), double.PositiveInfinity));
    }

    [Fact]
    public void Add_Int32TensorAndIntegralWeakDouble_Converts()
        => Assert.Equal(new[] { 3, 4 }, Tf.Add(Tf.Constant(new[] { 1, 2 }), 2.0).ToArray<int>());

    [Theory]
    [InlineData("int32")]
    [InlineData("int64")]
    public void Divide_Integers_PromoteToFloat64(string dtypeName)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor z = Tf.Divide(BinaryCatalog.Make([1, -7, 6], [3], dtype), BinaryCatalog.Make([2, 2, 3], [3], dtype));
        Assert.Equal(DType.Float64, z.DType);
        AssertTensor.Close([0.5, -3.5, 2], z);
        Assert.Equal(DType.Float64, (BinaryCatalog.Make([1], [1], dtype) / 2).DType);
    }

    [Fact]
    public void Operators_WithWeakScalarsOnEitherSide_MatchTfOps()
    {
        Tensor f = Tf.Constant(new[] { 1f, -2f, 4.5f });
        Assert.Equal(DType.Float32, (3 + f).DType);
        AssertTensor.Close([4, 1, 7.5], 3 + f);
        AssertTensor.Close([0, -3, 3.5], f - 1);
        AssertTensor.Close([2, 5, -1.5], 3 - f);
        AssertTensor.Close([2, -4, 9], f * 2);
        AssertTensor.Close([0.5, -1, 2.25], f / 2);
        AssertTensor.Close([4, -2, 8.0 / 9], 4 / f, tolerance: 1e-6);
        AssertTensor.Close([1, 0, 0.5], f % 2);
        AssertTensor.Close([-1, 2, -4.5], -f);
        AssertTensor.Close([1, 1, 0], f < 2);
        AssertTensor.Close([0, 0, 1], f > 2);
        AssertTensor.Close([1, 1, 0], f <= 1);
        AssertTensor.Close([1, 0, 1], f >= 1);
        AssertTensor.Close([1, 4, 20.25], f.Pow(2));
        AssertTensor.Close([2, 0.25, 22.627416997969522], Tf.Constant(2f).Pow(f), tolerance: 1e-6);
        Tensor i = Tf.Constant(new[] { 7, -7 });
        AssertTensor.Close([1, 2], i % 3);
        AssertTensor.Close([3, -4], 10 % i);
    }

    [Fact]
    public void Where_ThreeWayBroadcastWithWeakValues_Selects()
    {
        Tensor c = Tf.Constant(new[,] { { true }, { false } });
        Tensor x = Tf.Constant(new[] { 1.0, 2.0, 3.0 });
        Tensor z = Tf.Where(c, x, -1);
        Assert.Equal(DType.Float64, z.DType);
        AssertTensor.Close([1, 2, 3, -1, -1, -1], z, new Shape(2, 3));
        AssertTensor.Close([0, 0, 0, 1, 2, 3], Tf.Where(c, 0, x));
    }

    [Fact]
    public void Where_Gradient_RoutesByConditionAndSumsBroadcasts()
    {
        Tensor c = Tf.Constant(new[,] { { true, false, true }, { false, false, true } });
        Tensor[] inputs = GradientCheck.RandomInputs(5, [[3], [2, 1]]);
        GradientCheck.FirstOrder(t => Tf.Multiply(Tf.Where(c, t[0], t[1]), Tf.Where(c, t[1], t[0])), inputs);
        GradientCheck.SecondOrder(t => Tf.Multiply(Tf.Where(c, t[0], t[1]), Tf.Where(c, t[1], t[0])), inputs);
    }

    [Fact]
    public void Where_NonBoolConditionOrBadShapes_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Where(Tf.Constant(new[] { 1, 0 }), 1.0, 2.0));
        Assert.Contains("SelectV2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Where(Tf.Constant(new[] { true, false }), Tf.Constant(new[] { 1.0, 2.0, 3.0 }), 0.0));
        Assert.Contains("(3,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Where(Tf.Constant(new[] { true }), Tf.Constant(new[] { 1 }), Tf.Constant(new[] { 1.0 })));
    }

    [Fact]
    public void Cast_FloatToInt_TruncatesAndNumbersToBoolTestNonZero()
    {
        Assert.Equal(new[] { -1, 1, 0, 2 }, Tf.Cast(Tf.Constant(new[] { -1.7, 1.7, -0.2, 2.0 }), DType.Int32).ToArray<int>());
        Assert.Equal(new[] { true, false, true }, Tf.Cast(Tf.Constant(new[] { 0.5, 0.0, -3.0 }), DType.Bool).ToArray<bool>());
        Assert.Equal(new[] { 1L, 0L }, Tf.Cast(Tf.Constant(new[] { true, false }), DType.Int64).ToArray<long>());
        var e = Assert.Throws<ArgumentException>(() => Tf.Cast(Tf.Constant(new[] { double.NaN }), DType.Int32));
        Assert.Contains("Cast", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cast_BetweenFloats_PassesGradientBack()
    {
        Tensor x = Tf.Constant(new[] { 1.5f, -2f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.Multiply(Tf.Cast(x, DType.Float64), 3.0);
        Tensor g = tape.Gradient(y, x)!;
        Assert.Equal(DType.Float32, g.DType);
        AssertTensor.Close([3, 3], g);
    }

    [Fact]
    public void Equal_BoolTensorAndWeakNumber_ThrowsLikeTensorFlow()
    {
        Tensor flags = Tf.Constant(new[] { true, false });
        var exception = Assert.Throws<ArgumentException>(() => Tf.Equal(flags, 1));
        Assert.Contains("Cannot convert 1 to EagerTensor of dtype bool", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.LogicalAnd(flags, 0.5));
    }

    [Fact]
    public void Equal_BoolTensorAndWeakBool_Compares()
    {
        Tensor flags = Tf.Constant(new[] { true, false });
        Assert.Equal([true, false], Tf.Equal(flags, true).ToArray<bool>());
    }
}
