namespace Nabla.Tests.Autodiff;

/// <summary>Tf.CustomGradient, TensorFlow's @tf.custom_gradient.</summary>
public class CustomGradientTests
{
    private static readonly Func<Tensor, Tensor> s_log1pexp = Tf.CustomGradient(x =>
    {
        var e = Tf.Exp(x);
        return (Tf.Log(1 + e), dy => dy * (1 - (1 / (1 + e))));
    });

    [Fact]
    public void Log1pexp_StableGradientAt100_Is1NotNaN()
    {
        var x = Tf.Constant(100f);
        Tensor? dx;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            dx = tape.Gradient(s_log1pexp(x), x);
        }

        Assert.Equal(1f, dx!.Item<float>());
    }

    [Fact]
    public void Log1pexp_Gradient_IsSigmoid()
    {
        var x = Tf.Constant(new[] { -2.0, 0.0, 1.5 });
        var tape = new GradientTape();
        Tensor y;
        using (tape)
        {
            tape.Watch(x);
            y = s_log1pexp(x);
        }

        double[] g = tape.Gradient(y, x)!.ToArray<double>();
        double[] xs = [-2.0, 0.0, 1.5];
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-xs[i])), g[i], 12);
        }

        Assert.Equal(Math.Log(1 + Math.Exp(1.5)), y.ToArray<double>()[2], 12);
    }

    [Fact]
    public void Log1pexp_SecondDerivativeThroughCustomGradient_IsSigmoidPrime()
    {
        var x = Tf.Constant(0.7);
        Tensor d2;
        using (var outer = new GradientTape())
        {
            outer.Watch(x);
            Tensor d1;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                d1 = inner.Gradient(s_log1pexp(x), x)!;
            }

            d2 = outer.Gradient(d1, x)!;
        }

        double s = 1 / (1 + Math.Exp(-0.7));
        Assert.Equal(s * (1 - s), d2.Item<double>(), 12);
    }

    [Fact]
    public void CustomGradientInEagerAndGraph_GradientFunctionIsUsed_Gives4()
    {
        var f = Tf.CustomGradient(x => (x * x, dy => 4 * dy));
        var c = Tf.Constant(1f);
        var t = new GradientTape();
        Tensor g;
        using (t)
        {
            t.Watch(c);
            g = f(c);
        }

        Assert.Equal(4f, t.Gradient(g, c)!.Item<float>());
    }

    [Fact]
    public void CustomGradientIdentity_ResultIsInput_Gives2()
    {
        var myIdentity = Tf.CustomGradient(x => (x, dresult => 2 * dresult));
        var x = Tf.Constant(1f);
        var t = new GradientTape();
        Tensor y;
        using (t)
        {
            t.Watch(x);
            y = myIdentity(x);
        }

        Assert.Equal(2f, t.Gradient(y, x)!.Item<float>());
    }

    [Fact]
    public void ImplicitGradientsCustomGradientAndCachedVariableValue_VariableInput_Gives7()
    {
        var mySquare = Tf.CustomGradient(x => (x * x, dr => (2 * dr * x) + 1));
        var v = new Variable(3f);
        var t = new GradientTape();
        Tensor y;
        using (t)
        {
            y = mySquare(v);
        }

        Assert.Equal(7f, t.Gradient(y, v)!.Item<float>());
    }

    [Fact]
    public void CustomGradient_TwoInputs_TrainsLikeTfTest()
    {
        // TF testCustomGradient: my_mul(2., x) with lr 0.25 → losses 4, 3, 2, 1, 0.
        var myMul = Tf.CustomGradient((Tensor a, Tensor b) => (a * b, dr => (dr * b, dr * a)));
        var x = new Variable(2f);
        var losses = new List<float>();
        for (int i = 0; i < 5; i++)
        {
            var t = new GradientTape();
            Tensor loss;
            using (t)
            {
                loss = myMul(Tf.Constant(2f), x);
            }

            losses.Add(loss.Item<float>());
            x.AssignSub(0.25f * t.Gradient(loss, x)!);
        }

        Assert.Equal([4f, 3f, 2f, 1f, 0f], losses);
    }

    [Fact]
    public void OverrideSecondOrderWithCustomGradient_NestedCustomGradients()
    {
        Tensor F(Tensor x) => Tf.CustomGradient(v => (v + 10f, dz =>
        {
            var firstOrderCustom = Tf.CustomGradient(_ => (Tf.Constant(-1.1f), ddz => -2.1f * ddz));
            return dz * firstOrderCustom(v);
        }))(x);

        var c = Tf.Constant(1f);
        Tensor dd, ddd;
        using (var outer = new GradientTape())
        {
            outer.Watch(c);
            using (var inner = new GradientTape())
            {
                inner.Watch(c);
                var d = F(c).Pow(4f);
                dd = inner.Gradient(d, c)!;
            }

            ddd = outer.Gradient(dd, c)!;
        }

        double f = 11;
        Assert.Equal(4 * f * f * f * -1.1, dd.Item<float>(), 1e-1);
        Assert.Equal((3 * 4 * f * f * -1.1 * -1.1) + (4 * f * f * f * -2.1), ddd.Item<float>(), 1.0);
    }

    [Fact]
    public void CustomGradient_NoTape_JustComputes()
    {
        Assert.Equal(Math.Log(2), s_log1pexp(Tf.Constant(0.0)).Item<double>(), 12);
    }
}
