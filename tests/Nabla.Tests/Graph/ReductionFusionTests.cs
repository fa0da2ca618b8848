using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Sum and Mean fused at the end of an elementwise group (<see cref="ReductionFusion"/>): which plans fold, and that
/// the folded result equals the unfolded one up to the summation order (blocks of 4,096 elements summed lane by lane
/// in float32, blocks added in float64: 1e-5 relative here), or bitwise where the group does not compile.
/// </summary>
[Collection(FusionSwitch.Name)]
public class ReductionFusionTests
{
    // Relative to |expected| above 1, absolute below; the tolerance alone decides (a NaN never passes).
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(new[] { 300, 70 })]
    [InlineData(new[] { 20 })]
    [InlineData(new[] { 300_001 })] // blocks split over threads
    [InlineData(new[] { 3, 4096, 2 })]
    public void MeanSquaredError_FoldsIntoOneStep(int[] shape)
    {
        Tensor a = Tf.Random.Normal(shape, seed: shape[0]);
        Tensor b = Tf.Random.Normal(shape, seed: 2);
        Func<Tensor, Tensor, Tensor> mse = (p, q) => Tf.ReduceMean(Tf.Square(p - q));
        AssertFolded(mse, a, b, expectedSteps: 1);
    }

    [Theory]
    [InlineData(37, 100, false)]
    [InlineData(37, 100, true)]
    [InlineData(64, 9, false)]   // rows shorter than a 512-bit register: ragged ends read into the next row
    [InlineData(2, 5000, false)] // rows of two blocks
    public void RowSumOverTheLastAxis_Folds(int rows, int columns, bool keepdims)
    {
        Tensor x = Tf.Random.Normal([rows, columns], seed: rows);
        Tensor bias = Tf.Random.Normal([columns], seed: 3);
        Func<Tensor, Tensor, Tensor> f = (xs, bs) => Tf.ReduceSum(Tf.Exp((xs * 0.5f) + bs), axis: -1, keepdims: keepdims);
        AssertFolded(f, x, bias, expectedSteps: 1);
    }

    [Fact]
    public void ReductionOverALeadingAxis_OrOfAValueReadElsewhere_IsNotFolded()
    {
        Tensor x = Tf.Random.Normal([30, 40], seed: 1);
        Tensor y = Tf.Random.Normal([30, 40], seed: 2);
        AssertFolded((p, q) => Tf.ReduceSum(Tf.Square(p - q), axis: 0), x, y, expectedSteps: 0);
        AssertFolded((p, q) => Tf.ReduceSum(Tf.Square(p - q)) + Tf.ReduceMax(Tf.Square(p - q)), x, y, expectedSteps: 0);
    }

    [Fact]
    public void FoldedSum_IsTheSameOnEveryCall()
    {
        Tensor x = Tf.Random.Normal([500_000], seed: 5);
        var f = Tf.Function((Tensor t) => Tf.ReduceSum(Tf.Nn.Relu(t) * 3f));
        float first = f.Invoke(x).ToArray<float>()[0];
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(first, f.Invoke(x).ToArray<float>()[0]);
        }
    }

    [Fact]
    public void WithoutCompiling_TheFoldedStepRunsThroughATemporary_AndEqualsTheUnfoldedPlanExactly()
    {
        Tensor a = Tf.Random.Normal([300, 70], seed: 1);
        Tensor b = Tf.Random.Normal([300, 70], seed: 2);
        FusedKernelCompiler.Enabled = false;
        try
        {
            float[] folded = Run((p, q) => Tf.ReduceMean(Tf.Square(p - q)), a, b, fold: true, out ExecutionPlan plan);
            float[] unfolded = Run((p, q) => Tf.ReduceMean(Tf.Square(p - q)), a, b, fold: false, out _);
            FusedReductionOp op = Assert.Single(StepsOf(plan));
            Assert.False(op.IsCompiled);
            Assert.Equal(unfolded, folded);
        }
        finally
        {
            FusedKernelCompiler.Enabled = true;
        }
    }

    [Fact]
    public void GradientsOfAFoldedLoss_EqualTheUnfoldedOnes()
    {
        Tensor x = Tf.Random.Normal([64, 30], seed: 1);
        Tensor w0 = Tf.Random.Normal([30, 5], seed: 2);
        Tensor y = Tf.Random.Normal([64, 5], seed: 3);
        float[] Gradient(bool fold)
        {
            ReductionFusion.Enabled = fold;
            try
            {
                var w = new Variable(w0);
                var f = Tf.Function((Tensor xs, Tensor ys) =>
                {
                    using var tape = new GradientTape();
                    Tensor loss = Tf.ReduceMean(Tf.Square(Tf.Tanh(Tf.MatMul(xs, w)) - ys));
                    return tape.Gradient(loss, w)!;
                });
                return f.Invoke(x, y).ToArray<float>();
            }
            finally
            {
                ReductionFusion.Enabled = true;
            }
        }

        AssertFloats.Close(Gradient(fold: false), Gradient(fold: true), Tolerance, equalElementsPass: false);
    }

    private static void AssertFolded(Func<Tensor, Tensor, Tensor> body, Tensor a, Tensor b, int expectedSteps)
    {
        float[] folded = Run(body, a, b, fold: true, out ExecutionPlan plan);
        float[] unfolded = Run(body, a, b, fold: false, out ExecutionPlan plain);
        Assert.Equal(expectedSteps, StepsOf(plan).Count);
        Assert.All(StepsOf(plan), op => Assert.True(op.IsCompiled || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated));
        Assert.Empty(StepsOf(plain));
        AssertFloats.Close(unfolded, folded, Tolerance, equalElementsPass: false);
        AssertFloats.Close(body(a, b).ToArray<float>(), folded, Tolerance, equalElementsPass: false);
    }

    private static float[] Run(Func<Tensor, Tensor, Tensor> body, Tensor a, Tensor b, bool fold, out ExecutionPlan plan)
    {
        ReductionFusion.Enabled = fold;
        try
        {
            var f = Tf.Function(body);
            float[] result = f.Invoke(a, b).ToArray<float>();
            plan = f.GetConcreteFunction(a, b).Executor.PlanFor([a, b]);
            return result;
        }
        finally
        {
            ReductionFusion.Enabled = true;
        }
    }

    private static List<FusedReductionOp> StepsOf(ExecutionPlan plan)
    {
        var steps = new List<FusedReductionOp>();
        foreach (Op op in plan.Ops)
        {
            if (op is FusedReductionOp match)
            {
                steps.Add(match);
            }
        }

        return steps;
    }
}
