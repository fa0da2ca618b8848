namespace Nabla.Tests.Graph;

/// <summary>
/// MatMul folded into the GEMM's epilogue (<see cref="GemmEpilogueFusion"/>): which plans fold, and that results
/// equal the unfolded plan's bit for bit (the same GEMM path computes the product, and the fused ops' register
/// kernels equal their span kernels except tanh, which these tests avoid) on every GEMM path: matrix-vector,
/// small, narrow, blocked, and split over threads where the machine has several cores.
/// </summary>
[Collection(FusionSwitch.Name)]
public class GemmEpilogueTests
{
    [Theory]
    [InlineData(4, 3, 8, false, false)]       // small path
    [InlineData(1, 20, 33, false, false)]     // matrix-vector: one row
    [InlineData(128, 256, 10, false, false)]  // narrow: 10 columns
    [InlineData(13, 70, 37, false, false)]    // blocked, ragged micro-panels and rows
    [InlineData(64, 90, 200, true, false)]    // transposed A
    [InlineData(64, 90, 200, false, true)]    // transposed B
    [InlineData(128, 784, 256, false, false)] // the MLP's first layer: blocked, split over threads with 2+ cores
    [InlineData(300, 40, 700, false, false)]  // wider than tall: the column split
    public void DenseReluLayer_FoldsIntoTheGemm_AndEqualsTheUnfoldedPlan(int m, int k, int n, bool transposeA, bool transposeB)
    {
        Tensor x = Tf.Random.Normal(transposeA ? [k, m] : [m, k], seed: m + k);
        Tensor w = Tf.Random.Normal(transposeB ? [n, k] : [k, n], seed: n) * 0.1f;
        Tensor b = Tf.Random.Normal([n], seed: 7);
        Func<Tensor, Tensor, Tensor, Tensor> layer = (xs, ws, bs) => Tf.Nn.Relu(Tf.MatMul(xs, ws, transposeA, transposeB) + bs) * 2f;

        float[] folded = RunTraced(layer, x, w, b, fold: true, out ExecutionPlan plan);
        float[] unfolded = RunTraced(layer, x, w, b, fold: false, out ExecutionPlan plain);
        Assert.Single(StepsOf<MatMulEpilogueOp>(plan));
        Assert.Empty(StepsOf<MatMulEpilogueOp>(plain));
        Assert.Equal(unfolded, folded);
        Assert.Equal(layer(x, w, b).ToArray<float>(), folded); // eager runs the same GEMM and kernels
        Assert.True(plan.Memory.BufferLengths.Length < plain.Memory.BufferLengths.Length || plain.Memory.BufferLengths.Length == 0);
    }

    [Fact]
    public void BiasAloneWithoutActivation_FoldsAsAGroupOfOne()
    {
        Tensor x = Tf.Random.Normal([50, 30], seed: 1);
        Tensor w = Tf.Random.Normal([30, 20], seed: 2);
        Tensor b = Tf.Random.Normal([20], seed: 3);
        Func<Tensor, Tensor, Tensor, Tensor> logits = (xs, ws, bs) => Tf.MatMul(xs, ws) + bs;
        float[] folded = RunTraced(logits, x, w, b, fold: true, out ExecutionPlan plan);
        Assert.Single(StepsOf<MatMulEpilogueOp>(plan));
        Assert.Equal(logits(x, w, b).ToArray<float>(), folded);
    }

    [Fact]
    public void ProductReadElsewhereOrReturned_IsNotFolded()
    {
        Tensor x = Tf.Random.Normal([20, 30], seed: 1);
        Tensor w = Tf.Random.Normal([30, 40], seed: 2);
        var returned = Tf.Function((Tensor xs, Tensor ws) =>
        {
            Tensor p = Tf.MatMul(xs, ws);
            return (p, Tf.Nn.Relu(p + 1f) * 3f);
        });
        var readTwice = Tf.Function((Tensor xs, Tensor ws) =>
        {
            Tensor p = Tf.MatMul(xs, ws);
            return Tf.Nn.Relu(p) * 3f + Tf.ReduceSum(p);
        });
        Assert.Empty(StepsOf<MatMulEpilogueOp>(returned.GetConcreteFunction(x, w).Executor.PlanFor([x, w])));
        Assert.Empty(StepsOf<MatMulEpilogueOp>(readTwice.GetConcreteFunction(x, w).Executor.PlanFor([x, w])));
        (Tensor p, Tensor r) = returned.Invoke(x, w);
        Assert.Equal(Tf.MatMul(x, w).ToArray<float>(), p.ToArray<float>());
        Assert.Equal((Tf.Nn.Relu(Tf.MatMul(x, w) + 1f) * 3f).ToArray<float>(), r.ToArray<float>());
    }

    [Fact]
    public void BatchedProduct_IsNotFolded_AndStaysCorrect()
    {
        Tensor x = Tf.Random.Normal([3, 20, 30], seed: 1);
        Tensor w = Tf.Random.Normal([30, 40], seed: 2);
        var f = Tf.Function((Tensor xs, Tensor ws) => Tf.Nn.Relu(Tf.MatMul(xs, ws) + 1f) * 3f);
        Assert.Empty(StepsOf<MatMulEpilogueOp>(f.GetConcreteFunction(x, w).Executor.PlanFor([x, w])));
        Assert.Equal((Tf.Nn.Relu(Tf.MatMul(x, w) + 1f) * 3f).ToArray<float>(), f.Invoke(x, w).ToArray<float>());
    }

    [Fact]
    public void TrainingStepWithFoldedLayers_EqualsTheUnfoldedOne()
    {
        // Drawn once: a seeded op draws new numbers on each call, as TensorFlow's do.
        Tensor w1Start = Tf.Random.Normal([64, 48], seed: 1) * 0.1f, w2Start = Tf.Random.Normal([48, 10], seed: 2) * 0.1f;
        Tensor x = Tf.Random.Normal([32, 64], seed: 3), y = Tf.Random.Normal([32, 10], seed: 4);
        float[] Train(bool fold)
        {
            GemmEpilogueFusion.Enabled = fold;
            try
            {
                var w1 = new Variable(w1Start);
                var b1 = new Variable(Tf.Zeros([48]));
                var w2 = new Variable(w2Start);
                var step = Tf.Function((Tensor xs, Tensor ys) =>
                {
                    using var tape = new GradientTape();
                    Tensor h = Tf.Nn.Relu(Tf.MatMul(xs, w1) + b1);
                    Tensor loss = Tf.ReduceMean(Tf.Square(Tf.MatMul(h, w2) - ys));
                    Tensor?[] g = tape.Gradient(loss, [w1, b1, w2]);
                    w1.AssignSub(0.1f * g[0]!);
                    b1.AssignSub(0.1f * g[1]!);
                    w2.AssignSub(0.1f * g[2]!);
                    return loss;
                });
                for (int i = 0; i < 5; i++)
                {
                    step.Invoke(x, y);
                }

                // The two forward layers; the weight updates stay in place in the variables' buffers instead.
                Assert.Equal(fold ? 2 : 0, StepsOf<MatMulEpilogueOp>(step.GetConcreteFunction(x, y).Executor.PlanFor([x, y])).Count);

                return [.. w1.ToArray<float>(), .. b1.ToArray<float>(), .. w2.ToArray<float>()];
            }
            finally
            {
                GemmEpilogueFusion.Enabled = true;
            }
        }

        Assert.Equal(Train(fold: false), Train(fold: true));
    }

    private static float[] RunTraced(Func<Tensor, Tensor, Tensor, Tensor> body, Tensor x, Tensor w, Tensor b, bool fold, out ExecutionPlan plan)
    {
        GemmEpilogueFusion.Enabled = fold;
        try
        {
            var f = Tf.Function(body);
            float[] result = f.Invoke(x, w, b).ToArray<float>();
            plan = f.GetConcreteFunction(x, w, b).Executor.PlanFor([x, w, b]);
            return result;
        }
        finally
        {
            GemmEpilogueFusion.Enabled = true;
        }
    }

    private static List<T> StepsOf<T>(ExecutionPlan plan)
        where T : Op
    {
        var steps = new List<T>();
        foreach (Op op in plan.Ops)
        {
            if (op is T match)
            {
                steps.Add(match);
            }
        }

        return steps;
    }
}
