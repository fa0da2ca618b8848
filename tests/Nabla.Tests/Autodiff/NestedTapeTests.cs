namespace Nabla.Tests.Autodiff;

/// <summary>TAPE-SEMANTICS.md §3.4: nested tapes and higher-order derivatives, plus seed cell In[48].</summary>
public class NestedTapeTests
{
    private static float F(Tensor? t) => Assert.IsType<Tensor>(t, exactMatch: false).Item<float>();

    [Fact]
    public void SeedCell48_NestedTapes_Give27And18()
    {
        var x4 = new Variable(3f);
        Tensor dyDx, d2yDx2;
        using (var tape1 = new GradientTape())
        {
            using (var inner = new GradientTape())
            {
                var y4 = x4 * x4 * x4;
                dyDx = inner.Gradient(y4, x4)!;
            }

            d2yDx2 = tape1.Gradient(dyDx, x4)!;
        }

        Assert.Equal(27f, F(dyDx));
        Assert.Equal(18f, F(d2yDx2));
    }

    [Fact]
    public void BackpropDocstringExample_XSquaredAt5_Gives10And2()
    {
        var x = Tf.Constant(5f);
        Tensor dyDx, d2yDx2;
        using (var g = new GradientTape())
        {
            g.Watch(x);
            using (var gg = new GradientTape())
            {
                gg.Watch(x);
                var y = x * x;
                dyDx = gg.Gradient(y, x)!;
            }

            d2yDx2 = g.Gradient(dyDx, x)!;
        }

        Assert.Equal(10f, F(dyDx));
        Assert.Equal(2f, F(d2yDx2));
    }

    [Fact]
    public void WatchingIsTapeLocal_Gives12AndNull()
    {
        var x1 = new Variable(2f, trainable: false);
        var x2 = new Variable(2f, trainable: false);
        Tensor? d2y, d2z;
        using (var tape1 = new GradientTape())
        {
            Tensor?[] first;
            using (var tape2 = new GradientTape())
            {
                tape1.Watch(x1);
                tape2.Watch(x1, x2);
                var y = x1.Pow(3);
                var z = x2.Pow(2);
                first = tape2.Gradient([y, z], [x1, x2]);
            }

            Tensor?[] second = tape1.Gradient([first[0]!, first[1]!], [x1, x2]);
            d2y = second[0];
            d2z = second[1];
        }

        Assert.Equal(12f, F(d2y));
        Assert.Null(d2z);
    }

    [Fact]
    public void GradientTape_InnerWatchesIntermediate_Gives6()
    {
        var x = Tf.Constant(3f);
        Tensor y;
        var g = new GradientTape();
        using (g)
        {
            g.Watch(x);
            y = x * x;
            Tensor innerGrad;
            using (var gg = new GradientTape())
            {
                gg.Watch(y);
                var z = 2 * y;
                innerGrad = gg.Gradient(z, [y])[0]!;
            }

            Assert.Equal(2f, F(innerGrad));
            y += innerGrad;
        }

        Assert.Equal(6f, F(g.Gradient(y, [x])[0]));
    }

    [Fact]
    public void PersistentNestedTape_QueriedTwice_Gives6And12()
    {
        var x = Tf.Constant(3f);
        var g = new GradientTape(persistent: true);
        Tensor y, z;
        using (g)
        {
            g.Watch(x);
            y = x * x;
            var gg = new GradientTape(persistent: true);
            using (gg)
            {
                gg.Watch(y);
                z = 2 * y;
            }

            Tensor innerGrad = null!;
            for (int i = 0; i < 2; i++)
            {
                innerGrad = gg.Gradient(z, [y])[0]!;
                Assert.Equal(2f, F(innerGrad));
            }

            y += innerGrad;
        }

        Assert.Equal(6f, F(g.Gradient(y, [x])[0]));
        Assert.Equal(12f, F(g.Gradient(z, [x])[0]));
    }

    [Fact]
    public void ThirdOrder_ThreeNestedTapes_Gives6()
    {
        var x = new Variable(3.0);
        Tensor d3;
        using (var t3 = new GradientTape())
        {
            Tensor d2;
            using (var t2 = new GradientTape())
            {
                Tensor d1;
                using (var t1 = new GradientTape())
                {
                    d1 = t1.Gradient(x.Pow(3), x)!;
                }

                d2 = t2.Gradient(d1, x)!;
            }

            d3 = t3.Gradient(d2, x)!;
        }

        Assert.Equal(6.0, d3.Item<double>(), 12);
    }

    [Fact]
    public void InputGradientRegularisation_InnerTapeWithoutAutoWatch_OuterGetsVariableGradient()
    {
        // f(x) = w * x^2; df/dx = 2 w x; penalty = (df/dx)^2 = 4 w^2 x^2; d penalty / dw = 8 w x^2.
        var w = new Variable(1.5);
        var x = Tf.Constant(2.0);
        Tensor? dPenaltyDw;
        using (var outer = new GradientTape())
        {
            Tensor dfDx;
            using (var inner = new GradientTape(watchAccessedVariables: false))
            {
                inner.Watch(x);
                var f = w * x * x;
                dfDx = inner.Gradient(f, x)!;
            }

            var penalty = dfDx * dfDx;
            dPenaltyDw = outer.Gradient(penalty, w);
        }

        Assert.Equal(8 * 1.5 * 4, dPenaltyDw!.Item<double>(), 10);
    }

    [Fact]
    public void HigherOrder_MatchesFiniteDifferences()
    {
        Tensor[] inputs = TestUtils.GradientCheck.RandomInputs(3, [[3], [3]], 0.5, 2);
        TestUtils.GradientCheck.SecondOrder(v => Tf.Divide(Tf.Exp(v[0] * v[1]), v[1]), inputs);
    }
}
