namespace Nabla.Tests.Ops;

/// <summary>
/// Gather and its gradient (UnsortedSegmentSum) inside traced functions: the indices are function arguments, whose
/// values are unknown while tracing, so they are checked when the graph runs (an Embedding in a traced training step).
/// </summary>
public class GatherInFunctionTests
{
    [Fact]
    public void Gather_WithTracedIndices_MatchesEager_WithItsGradient()
    {
        var table = new Variable(Tf.Constant(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        Tensor indices = Tf.Constant(new[,] { { 2, 0 }, { 2, 1 } });
        Tensor Step(Tensor ids)
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceSum(Tf.Square(Tf.Gather(table, ids)));
            return tape.Gradient(loss, table)!;
        }

        var traced = Tf.Function((Tensor ids) => Tf.Gather(table, ids));
        Assert.Equal(Tf.Gather(table, indices).ToArray<double>(), traced.Invoke(indices).ToArray<double>());
        Assert.Equal(Step(indices).ToArray<double>(), Tf.Function((Tensor ids) => Step(ids)).Invoke(indices).ToArray<double>());
        Assert.Equal(new double[] { 2, 4, 6, 8, 20, 24 }, Step(indices).ToArray<double>()); // rows 0 and 1 once, row 2 twice
    }

    [Fact]
    public void Gather_OutOfRangeTracedIndex_ThrowsWhenTheGraphRuns()
    {
        Tensor table = Tf.Constant(new float[,] { { 1, 2 }, { 3, 4 } });
        var traced = Tf.Function((Tensor ids) => Tf.Gather(table, ids));
        Assert.Equal(new float[] { 3, 4 }, traced.Invoke(Tf.Constant(new[] { 1 })).ToArray<float>());
        var e = Assert.Throws<IndexOutOfRangeException>(() => traced.Invoke(Tf.Constant(new[] { 2 })));
        Assert.Contains("indices[0] = 2 is not in [0, 2)", e.Message, StringComparison.Ordinal);
        var segment = Assert.Throws<IndexOutOfRangeException>(() => Tf.Math.UnsortedSegmentSum(Tf.Ones([2]), Tf.Constant(new[] { 0, 3 }), 2));
        Assert.Contains("segment_ids[1] = 3 is out of range [0, 2)", segment.Message, StringComparison.Ordinal);
    }
}
