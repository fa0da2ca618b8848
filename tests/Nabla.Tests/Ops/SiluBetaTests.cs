using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary><c>Tf.Nn.Silu(x, beta)</c>: TensorFlow's swish with a beta.</summary>
public class SiluBetaTests
{
    [Fact]
    public void Silu_WithBeta_MatchesReference()
    {
        double[] xs = [-3, -0.5, 0, 0.25, 2];
        Tensor y = Tf.Nn.Silu(Tf.Constant(xs), 1.7);
        var expected = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            expected[i] = xs[i] / (1 + Math.Exp(-1.7 * xs[i]));
        }

        AssertTensor.Close(expected, y, tolerance: 1e-12);
        AssertTensor.Close(Tf.Nn.Silu(Tf.Constant(xs)), Tf.Nn.Silu(Tf.Constant(xs), 1.0));
    }

    [Fact]
    public void Silu_WithBeta_GradientsInXAndBetaFirstAndSecondOrder()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(41, [new Shape(2, 3), Shape.Scalar]);
        Tensor F(Tensor[] a) => Tf.Nn.Silu(a[0], a[1]);
        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Fact]
    public void Silu_WithBeta_IntegerInputOrStrongDTypeMismatch_Throws()
    {
        var integer = Assert.Throws<ArgumentException>(() => Tf.Nn.Silu(Tf.Constant(new[] { 1, 2 }), 1.0));
        Assert.Contains("Silu", integer.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Nn.Silu(Tf.Constant(new[] { 1f, 2f }), Tf.Constant(1.0)));
    }
}
