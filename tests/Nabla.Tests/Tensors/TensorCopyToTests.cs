namespace Nabla.Tests.Tensors;

public class TensorCopyToTests
{
    [Fact]
    public void CopyTo_RowMajorIntoALargerSpan_WritesOnlyTheElements()
    {
        Span<float> destination = [9, 9, 9, 9, 9];
        Tf.Constant(new float[,] { { 1, 2 }, { 3, 4 } }).CopyTo(destination);
        Assert.Equal([1f, 2, 3, 4, 9], destination.ToArray());
    }

    [Fact]
    public void CopyTo_Variable_CopiesItsCurrentValue()
    {
        var v = new Variable(Tf.Constant(new[] { 1.0, 2.0 }));
        v.AssignAdd(Tf.Constant(new[] { 0.5, 0.5 }));
        double[] destination = new double[2];
        v.CopyTo<double>(destination);
        Assert.Equal([1.5, 2.5], destination);
    }

    [Fact]
    public void CopyTo_WrongElementTypeOrShortSpan_Throws()
    {
        Tensor t = Tf.Constant(new float[] { 1, 2, 3 });
        Assert.Throws<InvalidOperationException>(() => t.CopyTo<double>(new double[3]));
        Assert.Contains("room for 3 elements", Assert.Throws<ArgumentException>(() => t.CopyTo<float>(new float[2])).Message, StringComparison.Ordinal);
    }
}
