namespace Nabla.Tests.Autodiff;

/// <summary>The shortcuts of the recording and backprop paths keep TensorFlow's results and never leak shared or weak tensors.</summary>
public class TapeFastPathTests
{
    [Fact]
    public void Gradient_VectorTargetIsItsOwnSource_ReturnsFreshOnesEachCall()
    {
        var x = Tf.Constant(new[] { 1.0, 2.0, 3.0 });
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor y = Tf.Identity(x);
        Tensor g1 = tape.Gradient(y, y)!;
        Tensor g2 = tape.Gradient(y, y)!;
        Assert.NotSame(g1, g2);
        Assert.Equal([1.0, 1.0, 1.0], g1.ToArray<double>());
    }

    [Fact]
    public void Gradient_ProductWithACSharpArray_IsStronglyTyped()
    {
        var x = Tf.Constant(new[] { 1.0, 2.0, 3.0 });
        Tensor g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            g = tape.Gradient(x * new[] { 4.0, 5.0, 6.0 }, x)!;
        }

        Assert.Equal([4.0, 5.0, 6.0], g.ToArray<double>());
        Assert.Throws<ArgumentException>(() => g + Tf.Constant(new[] { 1f, 1f, 1f }));
    }

    [Fact]
    public void Gradient_AbsOfVector_SeedShortcutMatchesSign()
    {
        var x = new Variable(new[] { -2.0, 0.0, 3.0 });
        Tensor g;
        using (var tape = new GradientTape())
        {
            g = tape.Gradient(Tf.Abs(x), x)!;
        }

        Assert.Equal([-1.0, 0.0, 1.0], g.ToArray<double>());
    }

    [Fact]
    public void Record_OpWithThreeInputs_KeepsAllInputs()
    {
        var a = Tf.Constant(new[] { 1f, 2f });
        var b = Tf.Constant(new[] { 3f, 4f });
        var condition = Tf.Constant(new[] { true, false });
        using var tape = new GradientTape();
        tape.Watch(a, b);
        Tensor s = Tf.Where(condition, a * 2f, b * 3f);
        Tensor?[] g = tape.Gradient(s, a, b);
        Assert.Equal([2f, 0f], g[0]!.ToArray<float>());
        Assert.Equal([0f, 3f], g[1]!.ToArray<float>());
    }

    [Fact]
    public void NestedNonPersistentTapes_ReusingEntryArrays_GiveTheSameSecondDerivativeEveryTime()
    {
        var x = new Variable(3f);
        for (int i = 0; i < 50; i++)
        {
            Tensor dyDx;
            using var outer = new GradientTape();
            using (var inner = new GradientTape())
            {
                dyDx = inner.Gradient(x * x * x, x)!;
            }

            Assert.Equal(27f, dyDx.Item<float>());
            Assert.Equal(18f, outer.Gradient(dyDx, x)!.Item<float>());
        }
    }

    [Fact]
    public void SharedTape_OwnerAndWorkersRecordConcurrently_AllEntriesKept()
    {
        var x = Tf.Constant(2.0);
        var tape = new GradientTape(persistent: true);
        var parts = new Tensor[200];
        using (tape)
        {
            tape.Watch(x);
            Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parts[i] = x * (double)i);
        }

        for (int i = 0; i < parts.Length; i++)
        {
            Assert.Equal((double)i, tape.Gradient(parts[i], x)!.Item<double>());
        }
    }
}
