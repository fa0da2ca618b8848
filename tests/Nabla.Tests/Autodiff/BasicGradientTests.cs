using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Autodiff;

public class BasicGradientTests
{
    [Fact]
    public void Multiply_BroadcastOperands_MatchesFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(1, [[2, 3], [3]]);
        GradientCheck.FirstOrder(x => Tf.Multiply(x[0], x[1]), inputs);
        GradientCheck.SecondOrder(x => Tf.Multiply(x[0], x[1]), inputs);
    }

    [Fact]
    public void Divide_And_Exp_MatchFiniteDifferences()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(2, [[4], [4]], 0.5, 2);
        GradientCheck.FirstOrder(x => Tf.Exp(Tf.Divide(x[0], x[1])), inputs);
        GradientCheck.SecondOrder(x => Tf.Exp(Tf.Divide(x[0], x[1])), inputs);
    }

    [Fact]
    public void SeedCell47_PersistentTape_Gives108And6()
    {
        var x = new Variable(3f);
        var tape = new GradientTape(persistent: true);
        Tensor y, z;
        using (tape)
        {
            tape.Watch(x);
            y = x * x;
            z = y * y;
        }

        Assert.Equal(108f, tape.Gradient(z, x)!.Item<float>());
        Assert.Equal(6f, tape.Gradient(y, x)!.Item<float>());
    }

    [Fact]
    public void SeedCell48_NestedTapes_Give27And18()
    {
        var x = new Variable(3f);
        Tensor dyDx, d2yDx2;
        using (var tape1 = new GradientTape())
        {
            using (var inner = new GradientTape())
            {
                var y = x * x * x;
                dyDx = inner.Gradient(y, x)!;
            }

            d2yDx2 = tape1.Gradient(dyDx, x)!;
        }

        Assert.Equal(27f, dyDx.Item<float>());
        Assert.Equal(18f, d2yDx2.Item<float>());
    }
}
