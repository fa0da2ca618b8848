using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Tf.MapFn and Tf.VectorizedMap: per-element results stacked, gradients to second order, errors.</summary>
public class MapFnTests
{
    public static TheoryData<string> Maps() => ["MapFn", "VectorizedMap"];

    [Theory]
    [MemberData(nameof(Maps))]
    public void Map_EqualsFnOfEachSliceStacked(string map)
    {
        Tensor x = GradientCheck.RandomInputs(1, [new Shape(4, 2, 3)])[0];
        Tensor mapped = Map(map, m => Tf.MatMul(m, m, transposeB: true), x);
        Assert.Equal(new Shape(4, 2, 2), mapped.Shape);
        for (int i = 0; i < 4; i++)
        {
            AssertTensor.Close(Tf.MatMul(x[i], x[i], transposeB: true), mapped[i], 0);
        }
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void Map_SeveralElems_GetsTheIthSliceOfEach(string map)
    {
        Tensor a = Tf.Constant(new[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Tensor b = Tf.Constant(new[] { 10, 20, 30 });
        Func<Tensor[], Tensor> fn = s => Tf.Multiply(Tf.ReduceSum(s[0]), s[1]);
        Tensor mapped = map == "MapFn" ? Tf.MapFn(fn, [a, b]) : Tf.VectorizedMap(fn, [a, b]);
        AssertTensor.Close([30, 140, 330], mapped, new Shape(3), 0);
        Assert.Equal(DType.Int32, mapped.DType);
    }

    [Fact]
    public void MapFn_Gradient_FirstAndSecondOrder_MatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(2, [new Shape(3, 4), new Shape(4)]);
        Func<Tensor[], Tensor> f = x => Tf.MapFn(s => Tf.Multiply(Tf.Sin(s[0]), s[1]), [x[0], Tf.BroadcastTo(x[1], [3, 4])]);
        GradientCheck.FirstOrder(f, inputs);
        GradientCheck.SecondOrder(f, inputs);
    }

    [Fact]
    public void MapFn_InsideTfFunction_Unrolls()
    {
        var f = Tf.Function((Tensor x) => Tf.MapFn(r => Tf.ReduceMax(r), x));
        Tensor x = GradientCheck.RandomInputs(3, [new Shape(5, 3)])[0];
        AssertTensor.Close(Tf.ReduceMax(x, 1), f.Invoke(x), 0);
        var unknown = Tf.Function((Tensor t) => Tf.MapFn(r => Tf.ReduceMax(r), t), inputSignature: [new TensorSpec([null, 3], DType.Float64)]);
        var error = Assert.Throws<InvalidOperationException>(() => unknown.Invoke(x));
        Assert.Contains("MapFn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapFn_BadInput_ThrowsNamingMapFn()
    {
        AssertThrows(() => Tf.MapFn(x => x, Tf.Constant(1f)), "scalar");
        AssertThrows(() => Tf.MapFn(x => x, Tf.Zeros([0, 2])), "no elements");
        AssertThrows(() => Tf.MapFn(s => s[0], [Tf.Zeros([2]), Tf.Zeros([3])]), "(3,)");
        AssertThrows(() => Tf.MapFn(s => s[0], Array.Empty<Tensor>()), "at least one");
        AssertThrows(() => Tf.MapFn(x => Tf.Zeros([x.Item<int>()]), Tf.Constant(new[] { 1, 2 })), "element 1 gave (2,)");
    }

    private static void AssertThrows(Action f, string detail)
    {
        var error = Assert.Throws<ArgumentException>(f);
        Assert.Contains("MapFn", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    private static Tensor Map(string map, Func<Tensor, Tensor> fn, Tensor x) => map == "MapFn" ? Tf.MapFn(fn, x) : Tf.VectorizedMap(fn, x);
}
