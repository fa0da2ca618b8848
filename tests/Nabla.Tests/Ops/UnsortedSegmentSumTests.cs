using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>TensorFlow's negative-id rule for <see cref="Tf.UnsortedSegmentSum"/>: those slices are dropped.</summary>
public class UnsortedSegmentSumTests
{
    [Fact]
    public void NegativeIds_SlicesDropped()
    {
        Tensor data = Tf.Constant(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } });
        Tensor sums = Tf.UnsortedSegmentSum(data, new[] { 1, -1, 1, -5 }, 3);
        AssertTensor.Close([0, 0, 6, 8, 0, 0], sums, new Shape(3, 2));
    }

    [Fact]
    public void NegativeIds_GradientIsZeroForDroppedSlices()
    {
        var data = new Variable(Tf.Constant(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        using var tape = new GradientTape();
        Tensor sums = Tf.UnsortedSegmentSum(data, Tf.Constant(new long[] { 0, -1, 1 }), 2);
        Tensor loss = Tf.ReduceSum(sums * Tf.Constant(new double[,] { { 1, 2 }, { 3, 4 } }));
        AssertTensor.Close([1, 2, 0, 0, 3, 4], tape.Gradient(loss, data)!);
    }

    [Fact]
    public void NegativeIds_GradientsFirstAndSecondOrder_MatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(31, [new Shape(4, 3)]);
        Tensor ids = Tf.Constant(new[] { 2, -1, 0, 2 });
        Tensor F(Tensor[] a)
        {
            Tensor s = Tf.UnsortedSegmentSum(a[0], ids, 3);
            return s * s;
        }

        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Fact]
    public void IdAtOrAboveNumSegments_StillThrows()
    {
        var exception = Assert.Throws<IndexOutOfRangeException>(
            () => Tf.UnsortedSegmentSum(Tf.Zeros([3]), new[] { -1, 0, 3 }, 3));
        Assert.Contains("segment_ids[2] = 3", exception.Message, StringComparison.Ordinal);
    }
}
