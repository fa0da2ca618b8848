namespace Nabla.Tests.Autodiff;

/// <summary>
/// The tape's allocation savings keep its semantics: shared scalar seeds never reach user code, pooled
/// backprop sets don't leak between passes (also when a gradient is taken inside a gradient rule), and shared
/// mark arrays of nested tapes still tell the tapes apart.
/// </summary>
public class TapeReuseTests
{
    private static double D(Tensor? t) => Assert.IsType<Tensor>(t, exactMatch: false).Item<double>();

    [Fact]
    public void GradientOfScalarTargetWithRespectToItself_IsFreshTensorEachTime()
    {
        var x = Tf.Constant(2.0);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor? g1 = tape.Gradient(x, x);
        Tensor? g2 = tape.Gradient(x, x);
        Assert.Equal(1.0, D(g1));
        Assert.NotSame(g1, g2);

        // Watching one returned seed must not connect an unrelated later gradient computation to it.
        var y = Tf.Constant(3.0);
        using var other = new GradientTape();
        other.Watch(g1!);
        using var inner = new GradientTape();
        inner.Watch(y);
        Tensor z = y * y;
        Tensor? dz = inner.Gradient(z, y);
        Assert.Equal(6.0, D(dz));
        Assert.Null(other.Gradient(dz!, g1!));
    }

    [Fact]
    public void CustomGradientFunction_NeverReceivesSharedSeed()
    {
        var seen = new List<Tensor>();
        Func<Tensor, Tensor> f = Tf.CustomGradient(x => (x * 2.0, dy =>
        {
            seen.Add(dy);
            return dy * 2.0;
        }));
        var v = Tf.Constant(1.0);
        for (int i = 0; i < 2; i++)
        {
            using var tape = new GradientTape();
            tape.Watch(v);
            Tensor y = f(v);
            Assert.Equal(2.0, D(tape.Gradient(y, v)));
        }

        Assert.Equal(2, seen.Count);
        Assert.NotSame(seen[0], seen[1]);
    }

    [Fact]
    public void GradientTakenInsideGradientRule_DoesNotDisturbOuterPass()
    {
        Func<Tensor, Tensor> f = Tf.CustomGradient(x => (x * x, dy =>
        {
            // A whole backprop pass inside the rule: it must get its own pooled sets.
            var c = Tf.Constant(5.0);
            using var t = new GradientTape();
            t.Watch(c);
            Tensor inner = t.Gradient(c * c * c, c)!;   // 75
            return dy * 2.0 * x * (inner / 75.0);
        }));
        var v = Tf.Constant(3.0);
        using var tape = new GradientTape();
        tape.Watch(v);
        Tensor y = Tf.Exp(f(v) * 0.0) * f(v);
        Assert.Equal(6.0, D(tape.Gradient(y, v)), 12);
    }

    [Fact]
    public void ThreeNestedTapes_SharedMarks_GiveThirdDerivative()
    {
        var x = new Variable(2.0);
        Tensor d1, d2, d3;
        using (var t3 = new GradientTape())
        {
            using (var t2 = new GradientTape())
            {
                using (var t1 = new GradientTape())
                {
                    Tensor y = x * x * x * x;   // x^4
                    d1 = t1.Gradient(y, x)!;     // 4x^3 = 32
                }

                d2 = t2.Gradient(d1, x)!;        // 12x^2 = 48
            }

            d3 = t3.Gradient(d2, x)!;            // 24x = 48
        }

        Assert.Equal(32.0, D(d1));
        Assert.Equal(48.0, D(d2));
        Assert.Equal(48.0, D(d3));
    }

    [Fact]
    public void SiblingTapesAfterReset_DoNotShareStaleMarks()
    {
        var x = Tf.Constant(3.0);
        using var outer = new GradientTape(persistent: true);
        outer.Watch(x);
        using var inner = new GradientTape(persistent: true);
        inner.Watch(x);
        Tensor a = x * x;
        inner.Reset();   // inner forgets a; outer still tracks it
        Tensor b = a * x;
        Assert.Equal(27.0, D(outer.Gradient(b, x)));   // 3x^2
        Assert.Null(inner.Gradient(b, x));             // x is no longer watched by inner after Reset
        inner.Watch(x);
        Tensor c = x * 2.0;
        Assert.Equal(2.0, D(inner.Gradient(c, x)));
        Assert.Equal(2.0, D(outer.Gradient(c, x)));
    }

    [Fact]
    public void LongChain_PastLinearIndexLimit_GivesProductOfFactors()
    {
        var x = Tf.Constant(2.0);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = x;
        for (int i = 0; i < 100; i++)
        {
            y = (y * 1.01) + (x * 0.0);
        }

        Assert.Equal(Math.Pow(1.01, 100), D(tape.Gradient(y, x)), 10);
    }
}
