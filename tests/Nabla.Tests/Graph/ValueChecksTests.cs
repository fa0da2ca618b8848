using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Checks that need a tensor's values (labels in range) cannot run at trace time, where values do not exist: they
/// are graph nodes that run with each call, so a traced function rejects the same bad input as its eager form.
/// </summary>
public class ValueChecksTests
{
    [Fact]
    public void SparseCrossEntropy_Traced_ChecksEachCallsLabels()
    {
        var loss = Tf.Function((Tensor labels, Tensor logits) => Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logits));
        Tensor logits = Tf.Constant(new float[,] { { 1, 2, 3 }, { 0.5f, 0, -1 } });
        Tensor good = Tf.Constant(new[] { 2, 0 });

        AssertTensor.Close(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(good, logits), loss.Invoke(good, logits));
        var ex = Assert.Throws<ArgumentException>(() => loss.Invoke(Tf.Constant(new[] { 2, 3 }), logits));
        Assert.Contains("label value of 3 which is outside the valid range of [0, 3)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => loss.Invoke(Tf.Constant(new[] { -1, 0 }), logits));
        Assert.Equal(1, loss.TracingCount);

        // Still checked after the failures: the plan's pre-made views do not skip the check.
        AssertTensor.Close(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(good, logits), loss.Invoke(good, logits));
        Assert.Throws<ArgumentException>(() => loss.Invoke(Tf.Constant(new[] { 0, 5 }), logits));
    }

    [Fact]
    public void SparseCrossEntropy_Traced_GradientMatchesEager()
    {
        Tensor logits = Tf.Constant(new double[,] { { 1, 2, 3 }, { 0.5, 0, -1 } });
        Tensor labels = Tf.Constant(new long[] { 1, 0 });
        var traced = Tf.Function((Tensor l, Tensor z) => Tf.ReduceSum(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(l, z)));
        Tensor Gradient(Func<Tensor, Tensor, Tensor> f)
        {
            using var tape = new GradientTape();
            tape.Watch(logits);
            return tape.Gradient(f(labels, logits), logits)!;
        }

        AssertTensor.Close(Gradient((l, z) => Tf.ReduceSum(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(l, z))), Gradient(traced));
    }

    [Fact]
    public void OneHot_Traced_MatchesEagerForEachCallsIndices()
    {
        var f = Tf.Function((Tensor i) => Tf.OneHot(i, 4, onValue: 5, offValue: -1, axis: 0, dtype: DType.Int32));
        foreach (int[] indices in new[] { new[] { 0, 3, 7 }, new[] { -1, 2, 1 } })
        {
            Tensor x = Tf.Constant(indices);
            Tensor expected = Tf.OneHot(x, 4, onValue: 5, offValue: -1, axis: 0, dtype: DType.Int32);
            Assert.Equal(expected.ToArray<int>(), f.Invoke(x).ToArray<int>());
            Assert.Equal(new Shape(4, 3), f.Invoke(x).Shape);
        }

        Assert.Equal(1, f.TracingCount);
    }
}
