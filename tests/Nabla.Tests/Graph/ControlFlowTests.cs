namespace Nabla.Tests.Graph;

/// <summary>Tf.Cond and Tf.WhileLoop: eager, traced into graph nodes, and differentiated through.</summary>
public class ControlFlowTests
{
    // Cond

    [Fact]
    public void Cond_Eager_RunsOneBranch_AndTheTapeSeesIt()
    {
        var x = new Variable(3f);
        int falseCalls = 0;
        using var tape = new GradientTape();
        Tensor y = Tf.Cond(x > 2f, () => x * x, () =>
        {
            falseCalls++;
            return x;
        });
        Assert.Equal(9f, y.Item<float>());
        Assert.Equal(0, falseCalls);
        Assert.Equal(6f, tape.Gradient(y, x)!.Item<float>());
    }

    [Fact]
    public void Cond_Traced_ChoosesWhenTheGraphRuns_WithOneTrace()
    {
        var f = Tf.Function((Tensor x) => Tf.Cond(Tf.ReduceSum(x) > 0f, () => x * 2f, () => -x));
        Assert.Equal(new float[] { 2, 4 }, f.Invoke(Tf.Constant(new[] { 1f, 2f })).ToArray<float>());
        Assert.Equal(new float[] { 3, -2 }, f.Invoke(Tf.Constant(new[] { -3f, 2f })).ToArray<float>());
        Assert.Equal(1, f.TracingCount);
        Assert.Contains("If", f.GetConcreteFunction(Tf.Constant(new[] { 1f, 2f })).Graph.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cond_Traced_WithAConstantPredicate_TracesOnlyItsBranch()
    {
        int falseTraces = 0;
        var f = Tf.Function((Tensor x) => Tf.Cond(Tf.Constant(true), () => x + 1f, () =>
        {
            falseTraces++;
            return x;
        }));
        Assert.Equal(2f, f.Invoke(Tf.Constant(1f)).Item<float>());
        Assert.Equal(0, falseTraces);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-2f)]
    public void Cond_Traced_GradientsFollowTheBranchTaken_ToSecondOrder(float start)
    {
        var w = new Variable(1.5f);
        var f = Tf.Function((Tensor x) =>
        {
            using var outer = new GradientTape();
            outer.Watch(x);
            Tensor dy;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                Tensor y = Tf.Cond(x > 0f, () => w * x * x * x, () => Tf.Sin(x) * w);
                dy = inner.Gradient(y, x)!;
            }

            return (dy, outer.Gradient(dy, x)!);
        });
        var (d1, d2) = f.Invoke(Tf.Constant(start));
        double x0 = start;
        double expected1 = x0 > 0 ? 1.5 * 3 * x0 * x0 : 1.5 * Math.Cos(x0);
        double expected2 = x0 > 0 ? 1.5 * 6 * x0 : -1.5 * Math.Sin(x0);
        Assert.Equal(expected1, d1.Item<float>(), 4);
        Assert.Equal(expected2, d2.Item<float>(), 4);
    }

    [Fact]
    public void Cond_Traced_GradientReachesAVariableReadOnlyInABranch()
    {
        var w = new Variable(2f);
        var f = Tf.Function((Tensor x) =>
        {
            using var tape = new GradientTape();
            Tensor y = Tf.Cond(x > 0f, () => w * x, () => x);
            return tape.Gradient(y, w) ?? Tf.Constant(-1f);
        });
        Assert.Equal(5f, f.Invoke(Tf.Constant(5f)).Item<float>());
        Assert.Equal(0f, f.Invoke(Tf.Constant(-5f)).Item<float>()); // the branch taken does not use w: zero
    }

    [Fact]
    public void Cond_TracedFunctionUnderAnOuterTape_EqualsEager()
    {
        var f = Tf.Function((Tensor x) => Tf.Cond(Tf.ReduceMean(x) > 0f, () => Tf.Exp(x) * x, () => x * x));
        foreach (float sign in new[] { 1f, -1f })
        {
            Tensor x = Tf.Constant(new[] { 0.5f * sign, 1f * sign, 1.5f * sign });
            using var traced = new GradientTape();
            traced.Watch(x);
            Tensor g = traced.Gradient(Tf.ReduceSum(f.Invoke(x)), x)!;
            using var eager = new GradientTape();
            eager.Watch(x);
            Tensor e = eager.Gradient(Tf.ReduceSum(Tf.Cond(Tf.ReduceMean(x) > 0f, () => Tf.Exp(x) * x, () => x * x)), x)!;
            Assert.Equal(e.ToArray<float>(), g.ToArray<float>());
        }
    }

    [Fact]
    public void Cond_Traced_AssignsOnlyInTheBranchTaken()
    {
        var counter = new Variable(0f);
        var f = Tf.Function((Tensor x) => Tf.Cond(x > 0f, () => counter.AssignAdd(1f), () => counter.AssignSub(10f)));
        f.Invoke(Tf.Constant(1f));
        f.Invoke(Tf.Constant(1f));
        Assert.Equal(2f, counter.Item<float>());
        f.Invoke(Tf.Constant(-1f));
        Assert.Equal(-8f, counter.Item<float>());
    }

    [Fact]
    public void Cond_BadArguments_ThrowNamingShapesAndDTypes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tf.Cond(Tf.Constant(1f), () => Tf.Constant(1f), () => Tf.Constant(2f)));
        Assert.Contains("float32", ex.Message, StringComparison.Ordinal);
        var mismatch = Tf.Function((Tensor x) => Tf.Cond(x > 0f, () => x, () => Tf.Cast(x, DType.Int32)));
        ex = Assert.Throws<ArgumentException>(() => mismatch.Invoke(Tf.Constant(1f)));
        Assert.Contains("int32", ex.Message, StringComparison.Ordinal);
    }

    // WhileLoop

    [Fact]
    public void WhileLoop_Eager_IsACSharpLoop_AndDifferentiable()
    {
        var x = new Variable(2f);
        using var tape = new GradientTape();
        Tensor[] result = Tf.WhileLoop(v => v[0] < 5, v => [v[0] + 1, v[1] * x], [Tf.Constant(0), Tf.Constant(1f)]);
        Assert.Equal(5, result[0].Item<int>());
        Assert.Equal(32f, result[1].Item<float>());
        Assert.Equal(80f, tape.Gradient(result[1], x)!.Item<float>()); // d(x^5)/dx = 5 x^4
    }

    [Theory]
    [InlineData(3, null, 3)]
    [InlineData(10, 4, 4)]
    [InlineData(0, null, 0)]
    public void WhileLoop_Traced_RunsAsManyIterationsAsTheValuesSay(int n, int? maximum, int expected)
    {
        var f = Tf.Function((Tensor limit, Tensor x) =>
        {
            Tensor[] r = Tf.WhileLoop(v => v[0] < limit, v => [v[0] + 1, v[1] * 1.5f], [Tf.Constant(0), x], maximum);
            return (r[0], r[1]);
        });
        var (i, y) = f.Invoke(Tf.Constant(n), Tf.Constant(2f));
        Assert.Equal(expected, i.Item<int>());
        Assert.Equal(2 * Math.Pow(1.5, expected), y.Item<float>(), 4);
        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void WhileLoop_Traced_GradientEqualsEager()
    {
        var w = new Variable(0.9f);
        Tensor Loop(Tensor x, Tensor n)
            => Tf.WhileLoop(v => v[0] < n, v => [v[0] + 1, Tf.Tanh(v[1] * w) + x], [Tf.Constant(0), x])[1];
        var f = Tf.Function((Tensor x, Tensor n) =>
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            Tensor y = Loop(x, n);
            Tensor?[] g = tape.Gradient(y, x, w);
            return (g[0]!, g[1]!);
        });
        Tensor x0 = Tf.Constant(0.3f);
        var (gx, gw) = f.Invoke(x0, Tf.Constant(4));
        using var eager = new GradientTape();
        eager.Watch(x0);
        Tensor ye = Loop(x0, Tf.Constant(4));
        Tensor?[] ge = eager.Gradient(ye, x0, w);
        Assert.Equal(ge[0]!.Item<float>(), gx.Item<float>(), 5);
        Assert.Equal(ge[1]!.Item<float>(), gw.Item<float>(), 5);
    }

    [Fact]
    public void WhileLoop_TracedFunctionUnderAnOuterTape_EqualsEager()
    {
        var f = Tf.Function((Tensor x) => Tf.WhileLoop(v => Tf.ReduceSum(v) < 100f, v => v * 1.7f, x));
        Tensor x0 = Tf.Constant(new[] { 1f, 2f });
        using var tape = new GradientTape();
        tape.Watch(x0);
        Tensor g = tape.Gradient(Tf.ReduceSum(f.Invoke(x0)), x0)!;
        Assert.Equal(Math.Pow(1.7, 7), g.ToArray<float>()[0], 3); // the sum 3 grows by 1.7 seven times: 3 * 1.7^6 = 72 < 100
    }

    [Fact]
    public void WhileLoop_SecondOrderThroughATracedLoop_Throws()
    {
        var f = Tf.Function((Tensor x) =>
        {
            using var outer = new GradientTape();
            outer.Watch(x);
            Tensor dy;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                Tensor y = Tf.WhileLoop(v => Tf.ReduceSum(v) < 10f, v => v * v, x);
                dy = inner.Gradient(y, x)!;
            }

            return outer.Gradient(dy, x)!;
        });
        var ex = Assert.Throws<InvalidOperationException>(() => f.Invoke(Tf.Constant(1.5f)));
        Assert.Contains("WhileLoop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhileLoop_BodyChangingAShape_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tf.WhileLoop(v => Tf.ReduceSum(v) < 4f, v => Tf.Concat(new[] { v, v }, 0), Tf.Ones([1])));
        Assert.Contains("shape", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.WhileLoop(v => v < 3, v => v + 1, Tf.Constant(0), maximumIterations: -1));
    }
}
