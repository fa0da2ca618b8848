using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary><c>Tf.Gather(params, indices, axis, batchDims)</c> against direct loops over TensorFlow's definition.</summary>
public class GatherBatchDimsTests
{
    [Fact]
    public void BatchDims1_EachRowGathersFromItsOwnRow()
    {
        Tensor p = Tf.Constant(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Tensor picked = Tf.Gather(p, Tf.Constant(new[,] { { 2, 0 }, { 1, 1 } }), axis: 1, batchDims: 1);
        AssertTensor.Close([3, 1, 5, 5], picked, new Shape(2, 2));

        // batch_dims counts from the end of indices' rank when negative.
        AssertTensor.Close(picked, Tf.Gather(p, Tf.Constant(new[,] { { 2, 0 }, { 1, 1 } }), axis: -1, batchDims: -1));
    }

    [Fact]
    public void MiddleAndTailAxes_MatchDefinition()
    {
        // params (b=2, m=3, n=4, t=2), indices (b=2, i=5), axis 2: out[b, m, i, t] = params[b, m, idx[b, i], t].
        var random = new Random(5);
        var values = new double[2 * 3 * 4 * 2];
        for (int v = 0; v < values.Length; v++)
        {
            values[v] = random.Next(-50, 50);
        }

        long[] idx = [3, 0, 0, 2, 1, 1, 3, 2, 0, 3];
        Tensor p = Tf.Reshape(Tf.Constant(values), [2, 3, 4, 2]);
        Tensor result = Tf.Gather(p, Tf.Constant(idx, [2, 5]), axis: 2, batchDims: 1);

        var expected = new double[2 * 3 * 5 * 2];
        int r = 0;
        for (int b = 0; b < 2; b++)
        {
            for (int m = 0; m < 3; m++)
            {
                for (int i = 0; i < 5; i++)
                {
                    for (int t = 0; t < 2; t++)
                    {
                        expected[r++] = values[(((((b * 3) + m) * 4) + (int)idx[(b * 5) + i]) * 2) + t];
                    }
                }
            }
        }

        AssertTensor.Close(expected, result, new Shape(2, 3, 5, 2));
    }

    [Fact]
    public void TwoBatchAxes_ScalarIndexPerBatchElement()
    {
        // params (2, 2, 3), indices (2, 2): batch_dims 2, axis 2 picks one element per (b0, b1).
        Tensor p = Tf.Reshape(Tf.Range(12), [2, 2, 3]);
        Tensor result = Tf.Gather(p, Tf.Constant(new[,] { { 0, 2 }, { 1, 0 } }), axis: 2, batchDims: 2);
        AssertTensor.Close([0, 5, 7, 9], result, new Shape(2, 2));
    }

    [Fact]
    public void Gradients_FirstAndSecondOrder_MatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(51, [new Shape(2, 3, 4)]);
        Tensor indices = Tf.Constant(new[,] { { 1, 1, 3 }, { 0, 2, 2 } });
        Tensor F(Tensor[] a)
        {
            Tensor g = Tf.Gather(a[0], indices, axis: 2, batchDims: 1);
            return g * g;
        }

        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Fact]
    public void IndexOutOfItsAxis_ThrowsInsteadOfReadingTheNextBatchElement()
    {
        Tensor p = Tf.Constant(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var exception = Assert.Throws<IndexOutOfRangeException>(
            () => Tf.Gather(p, Tf.Constant(new[,] { { 3 }, { 0 } }), axis: 1, batchDims: 1));
        Assert.Contains("= 3 is not in [0, 3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadBatchDimsOrAxis_ThrowsNamingShapes()
    {
        Tensor p = Tf.Zeros([2, 3]);
        var mismatch = Assert.Throws<ArgumentException>(() => Tf.Gather(p, Tf.Constant(new[,] { { 0 }, { 0 }, { 0 } }), 1, 1));
        Assert.Contains("(2, 3)", mismatch.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Gather(p, Tf.Constant(new[,] { { 0 }, { 0 } }), 0, 1)); // axis < batch_dims
        Assert.Throws<ArgumentException>(() => Tf.Gather(p, Tf.Constant(new[,] { { 0 }, { 0 } }), 1, 3)); // batch_dims > rank
    }
}
