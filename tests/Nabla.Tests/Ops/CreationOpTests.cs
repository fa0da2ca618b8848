using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

public class CreationOpTests
{
    [Fact]
    public void Range_IntsAndDoubles_MatchTensorFlow()
    {
        Tensor r = Tf.Range(5);
        Assert.Equal(DType.Int32, r.DType);
        AssertTensor.Close([0, 1, 2, 3, 4], r, new Shape(5));
        AssertTensor.Close([3, 6, 9, 12, 15], Tf.Range(3, 18, 3), new Shape(5));
        AssertTensor.Close([10, 7, 4, 1], Tf.Range(10, 0, -3), new Shape(4));
        AssertTensor.Close([], Tf.Range(0), new Shape(0));
        Tensor f = Tf.Range(0, 1, 0.25);
        Assert.Equal(DType.Float32, f.DType);
        AssertTensor.Close([0, 0.25, 0.5, 0.75], f, new Shape(4));
        Assert.Equal(DType.Int64, Tf.Range(0, 3, 1, DType.Int64).DType);
        AssertTensor.Close([1.5, 2.5], Tf.Range(1.5, 3, 1, DType.Float64), new Shape(2));
        var e = Assert.Throws<ArgumentException>(() => Tf.Range(0, 5, 0));
        Assert.Contains("Range", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Range(5, 0, 1));
    }

    [Fact]
    public void Linspace_IncludesBothEnds()
    {
        Tensor l = Tf.Linspace(10, 12, 3);
        Assert.Equal(DType.Float32, l.DType);
        AssertTensor.Close([10, 11, 12], l, new Shape(3));
        AssertTensor.Close([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], Tf.Linspace(0, 1, 11, DType.Float64), new Shape(11), 1e-15);
        AssertTensor.Close([3], Tf.Linspace(3, 7, 1), new Shape(1));
        Assert.Throws<ArgumentException>(() => Tf.Linspace(0, 1, 0));
    }

    [Fact]
    public void Eye_SquareAndRectangular()
    {
        AssertTensor.Close([1, 0, 0, 0, 1, 0, 0, 0, 1], Tf.Eye(3), new Shape(3, 3));
        Tensor rect = Tf.Eye(2, 4, DType.Int32);
        Assert.Equal(DType.Int32, rect.DType);
        AssertTensor.Close([1, 0, 0, 0, 0, 1, 0, 0], rect, new Shape(2, 4));
        AssertTensor.Close([1, 0, 0, 1, 0, 0], Tf.Eye(3, 2, DType.Float64), new Shape(3, 2));
        Assert.Throws<ArgumentException>(() => Tf.Eye(-1));
    }

    [Fact]
    public void OneHot_AxesAndOutOfRangeIndices_MatchTensorFlow()
    {
        Tensor indices = Tf.Constant(new[] { 0, 2, -1, 5 });
        AssertTensor.Close([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], Tf.OneHot(indices, 3), new Shape(4, 3));
        AssertTensor.Close([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], Tf.OneHot(indices, 3, axis: 0), new Shape(3, 4));
        Tensor custom = Tf.OneHot(Tf.Constant(new long[] { 1, 0 }), 2, 5, -1, dtype: DType.Int64);
        Assert.Equal(DType.Int64, custom.DType);
        AssertTensor.Close([-1, 5, 5, -1], custom, new Shape(2, 2));
        Tensor matrix = Tf.Constant(new[] { 0, 1, 1, 0 }, [2, 2]);
        AssertTensor.Close([1, 0, 0, 1, 0, 1, 1, 0], Tf.OneHot(matrix, 2, axis: 1), new Shape(2, 2, 2));
        var e = Assert.Throws<ArgumentException>(() => Tf.OneHot(Tf.Constant(new[] { 0.5f }), 2));
        Assert.Contains("OneHot", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.OneHot(indices, 3, axis: 3));
    }
}
