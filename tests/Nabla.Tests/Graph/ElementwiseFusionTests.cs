using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Fusion of float32 elementwise chains in execution plans: which steps fuse, and that fused results equal the
/// unfused ones. The fused kernels are the ops' own tile kernels, so results agree bitwise except where a
/// vectorized kernel treats a tile's tail differently from a whole tensor's (tolerance 1e-6 relative, stated).
/// </summary>
[Collection(FusionSwitch.Name)]
public class ElementwiseFusionTests
{
    // Relative to |expected| above 1, absolute below; equal elements pass first (a NaN or infinity must be the same).
    private const double Tolerance = 1e-6;

    private const double SqrtTwoOverPi = 0.7978845608028654;

    private static Tensor Gelu(Tensor x) => 0.5 * x * (1 + Tf.Tanh(SqrtTwoOverPi * (x + (0.044715 * x * x * x))));

    // Lengths around the tile (1024) and beyond ParallelFor's split threshold (128 Ki).
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(3000)]
    [InlineData(300_001)]
    public void GeluChain_FusesIntoOneStep_AndEqualsEager(int length)
    {
        Tensor x = SeededInputs.Normal([length], seed: length) * 3;
        var gelu = Tf.Function((Func<Tensor, Tensor>)Gelu);
        float[] traced = gelu.Invoke(x).ToArray<float>();
        float[] eager = Gelu(x).ToArray<float>();
        AssertFloats.Close(eager, traced, Tolerance, equalElementsPass: true);

        ExecutionPlan plan = gelu.GetConcreteFunction(x).Executor.PlanFor([x]);
        FusedElementwiseOp fused = Assert.Single(FusedSteps(plan));
        Assert.Equal(9, fused.OpCount); // 3 multiplies for 0.044715·x³, add, scale, tanh, add 1, two multiplies
        Assert.Empty(plan.Memory.BufferLengths); // no intermediate reaches memory
    }

    // A chain deeper than MaxDepth splits into groups no deeper than it (a compiled group deeper than the JIT's
    // inlining depth would call per register), and the split chain still equals eager.
    [Theory]
    [InlineData(ElementwiseFusion.MaxDepth, 1)]
    [InlineData(ElementwiseFusion.MaxDepth + 2, 2)] // a group of one op would not be fused: two ops beyond
    [InlineData((2 * ElementwiseFusion.MaxDepth) + 3, 3)]
    public void LongChain_SplitsIntoGroupsNoDeeperThanMaxDepth(int ops, int groups)
    {
        Tensor x = SeededInputs.Normal([300], seed: ops);
        Func<Tensor, Tensor> chain = t =>
        {
            Tensor y = t;
            for (int k = 0; k < ops; k++)
            {
                y = (k % 2 == 0) ? y * t : Tf.Tanh(y); // each op consumes the previous one: depth grows by one per op
            }

            return y;
        };
        var f = Tf.Function(chain);
        AssertFloats.Close(chain(x).ToArray<float>(), f.Invoke(x).ToArray<float>(), Tolerance, equalElementsPass: true); // tanh: register vs span kernel, see the class note
        List<FusedElementwiseOp> fused = FusedSteps(f.GetConcreteFunction(x).Executor.PlanFor([x]));
        Assert.Equal(groups, fused.Count);
        Assert.All(fused, op => Assert.InRange(op.OpCount, 1, ElementwiseFusion.MaxDepth));
        Assert.Equal(ops, fused.Sum(op => op.OpCount));
    }

    [Fact]
    public void SpecialValues_PropagateAsEager()
    {
        Tensor x = Tf.Constant(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, 3e38f, -3e38f });
        var f = Tf.Function((Tensor t) => Tf.Exp(t * 2) - Tf.Sqrt(Tf.Abs(t)));
        Assert.Equal(f.Invoke(x).ToArray<float>(), (Tf.Exp(x * 2) - Tf.Sqrt(Tf.Abs(x))).ToArray<float>());
        Assert.Single(FusedSteps(f.GetConcreteFunction(x).Executor.PlanFor([x])));
    }

    [Theory]
    [InlineData(new[] { 256 })]
    [InlineData(new[] { 1, 256 })]
    [InlineData(new[] { 64, 256 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 64, 1 })] // read along rows: not a suffix, so the add stays unfused
    public void BroadcastOperands_ReadCyclicallyOrAsScalars(int[] bShape)
    {
        Tensor x = SeededInputs.Normal([64, 256], seed: 1);
        Tensor b = SeededInputs.Normal(bShape, seed: 2);
        var f = Tf.Function((Tensor a, Tensor c) => Tf.Nn.Relu(a + c) * 2);
        AssertFloats.Close((Tf.Nn.Relu(x + b) * 2).ToArray<float>(), f.Invoke(x, b).ToArray<float>(), Tolerance, equalElementsPass: true);
        int fusedOps = 0;
        foreach (FusedElementwiseOp op in FusedSteps(f.GetConcreteFunction(x, b).Executor.PlanFor([x, b])))
        {
            fusedOps += op.OpCount;
        }

        Assert.Equal(bShape is [64, 1] ? 2 : 3, fusedOps);
    }

    [Fact]
    public void ValueUsedOutsideTheChain_IsComputedOnce_AndNotFusedAway()
    {
        Tensor x = SeededInputs.Normal([2000], seed: 3);
        var f = Tf.Function((Tensor a) =>
        {
            Tensor t = a * a;           // used by the chain and returned
            Tensor u = (t + 1) * (t - 1); // a diamond over t
            return (t, Tf.ReduceSum(u), Tf.Exp(u));
        });
        var (t, sum, exp) = f.Invoke(x);
        Tensor et = x * x;
        Tensor eu = (et + 1) * (et - 1);
        Assert.Equal(et.ToArray<float>(), t.ToArray<float>());
        AssertFloats.Close([Tf.ReduceSum(eu).ToArray<float>()[0]], [sum.ToArray<float>()[0]], Tolerance, equalElementsPass: true);
        AssertFloats.Close(Tf.Exp(eu).ToArray<float>(), exp.ToArray<float>(), Tolerance, equalElementsPass: true);
    }

    [Fact]
    public void OptimizerUpdate_FusesIntoTheVariablesBuffer_AndMatchesEager()
    {
        var w = new Variable(SeededInputs.Normal([300, 40], seed: 4));
        var m = new Variable(Tf.Zeros([300, 40]));
        Tensor g = SeededInputs.Normal([300, 40], seed: 5);
        var step = Tf.Function((Tensor grad) =>
        {
            m.Assign((0.9f * m) + (0.1f * grad));
            w.AssignSub(0.01f * m / (Tf.Sqrt(Tf.Abs(m)) + 1e-7f));
            return Tf.Constant(0f);
        });
        var wEager = new Variable(w.ReadValue());
        var mEager = new Variable(Tf.Zeros([300, 40]));
        Array? buffer = null;
        for (int i = 0; i < 4; i++)
        {
            buffer = i == 3 ? GraphTestAccess.BufferOf(w) : null;
            step.Invoke(g);
            mEager.Assign((0.9f * mEager) + (0.1f * g));
            wEager.AssignSub(0.01f * mEager / (Tf.Sqrt(Tf.Abs(mEager)) + 1e-7f));
        }

        Assert.Same(buffer, GraphTestAccess.BufferOf(w)); // the fused update wrote into the variable's own buffer
        AssertFloats.Close(wEager.ToArray<float>(), w.ToArray<float>(), Tolerance, equalElementsPass: true);
        Assert.Equal(2, FusedSteps(step.GetConcreteFunction(g).Executor.PlanFor([g])).Count);
    }

    [Fact]
    public void GradientsThroughAFusedFunction_EqualTheUnfusedOnes()
    {
        Tensor x = SeededInputs.Normal([500], seed: 6);
        var gelu = Tf.Function((Func<Tensor, Tensor>)Gelu);
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor g1;
        using (var inner = new GradientTape())
        {
            inner.Watch(x);
            g1 = inner.Gradient(Tf.ReduceSum(gelu.Invoke(x)), x)!;
        }

        Tensor g2 = outer.Gradient(Tf.ReduceSum(g1), x)!;
        using var outerEager = new GradientTape();
        outerEager.Watch(x);
        Tensor e1;
        using (var innerEager = new GradientTape())
        {
            innerEager.Watch(x);
            e1 = innerEager.Gradient(Tf.ReduceSum(Gelu(x)), x)!;
        }

        Tensor e2 = outerEager.Gradient(Tf.ReduceSum(e1), x)!;
        AssertFloats.Close(e1.ToArray<float>(), g1.ToArray<float>(), Tolerance, equalElementsPass: true);
        AssertFloats.Close(e2.ToArray<float>(), g2.ToArray<float>(), Tolerance, equalElementsPass: true);
    }

    [Fact]
    public void FusedAndUnfusedPlans_GiveTheSameTrainingResult()
    {
        Tensor[] init = [SeededInputs.Normal([20, 32], seed: 7) * 0.3f, SeededInputs.Normal([32, 1], seed: 8) * 0.3f,
            SeededInputs.Normal([64, 20], seed: 9), SeededInputs.Normal([64, 1], seed: 10)];
        float[] fused = TrainMlp(init);
        ElementwiseFusion.Enabled = false;
        try
        {
            Assert.Equal(fused, TrainMlp(init), AssertFloats.Comparer(1e-5));
        }
        finally
        {
            ElementwiseFusion.Enabled = true;
        }
    }

    private static float[] TrainMlp(Tensor[] init)
    {
        var w1 = new Variable(init[0]);
        var b1 = new Variable(Tf.Zeros([32]));
        var w2 = new Variable(init[1]);
        Tensor x = init[2];
        Tensor y = init[3];
        var step = Tf.Function((Tensor xb, Tensor yb) =>
        {
            using var tape = new GradientTape();
            Tensor h = Tf.Tanh(Tf.MatMul(xb, w1) + b1) * 1.5f;
            Tensor loss = Tf.ReduceMean(Tf.Square(Tf.MatMul(h, w2) - yb));
            Tensor?[] grads = tape.Gradient(loss, w1, b1, w2);
            w1.AssignSub(0.05f * grads[0]!);
            b1.AssignSub(0.05f * grads[1]!);
            w2.AssignSub(0.05f * grads[2]!);
            return loss;
        });
        for (int i = 0; i < 20; i++)
        {
            step.Invoke(x, y);
        }

        return [.. w1.ToArray<float>(), .. b1.ToArray<float>(), .. w2.ToArray<float>()];
    }

    private static List<FusedElementwiseOp> FusedSteps(ExecutionPlan plan)
    {
        var fused = new List<FusedElementwiseOp>();
        for (int i = 0; i < plan.Ops.Length; i++)
        {
            if (plan.Ops[i] is FusedElementwiseOp op)
            {
                fused.Add(op);
            }
        }

        return fused;
    }
}

/// <summary>Tests that switch fusion off run apart from the fusion tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FusionSwitch : ICollectionFixture<CompileOnFirstCall>
{
    public const string Name = "Fusion switch";
}

/// <summary>
/// The fusion tests check a function's first call, so while they run a group compiles on its first call (the default,
/// kept here so the tests do not depend on it; <see cref="TieredFusedKernel{TBody}"/>); <see cref="TieredFusionTests"/>
/// sets the tiering itself.
/// </summary>
public sealed class CompileOnFirstCall : IDisposable
{
    private readonly int _saved = FusedKernelCompiler.InterpretedCalls;

    public CompileOnFirstCall() => FusedKernelCompiler.InterpretedCalls = 0;

    public void Dispose() => FusedKernelCompiler.InterpretedCalls = _saved;
}
