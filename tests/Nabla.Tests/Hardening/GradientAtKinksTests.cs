namespace Nabla.Tests.Hardening;

/// <summary>
/// Gradients of Rsqrt and its siblings at zeros, negatives and infinities, as TensorFlow's kernels compute them
/// (tensorflow/core/kernels/cwise_ops_gradients.h): Sqrt, Rsqrt and Reciprocal multiply by the upstream with
/// mul_no_nan, so a zero upstream (a masked-out element) gives 0 where f'(x) is infinite or NaN; a nonzero upstream
/// gives the formula's value (Rsqrt: -0.5 * dy * y^3, NaN at -inf where y = rsqrt(-inf) is NaN, as in TensorFlow).
/// </summary>
public class GradientAtKinksTests
{
    private static readonly float[] s_points = [float.NegativeInfinity, -1f, -0f, 0f, 1f, 4f, float.PositiveInfinity];

    public static TheoryData<string> SafeOps => new() { "Rsqrt", "Sqrt", "Reciprocal" };

    [Theory]
    [MemberData(nameof(SafeOps))]
    public void ZeroUpstream_GivesZeroEverywhere_EvenWhereTheDerivativeIsInfiniteOrNaN(string op)
    {
        float[] g = Gradient(op, upstream: 0f);
        Assert.All(g, v => Assert.Equal(0f, v));
        Assert.All(g, v => Assert.False(float.IsNegative(v), "TensorFlow's mul_no_nan returns +0"));
    }

    [Fact]
    public void Rsqrt_UnitUpstream_IsMinusHalfYCubed_NaNAtMinusInfinity()
    {
        float[] g = Gradient("Rsqrt", upstream: 1f);
        float[] y = Tf.Rsqrt(Tf.Constant(s_points)).ToArray<float>();
        Assert.True(float.IsNaN(y[0]), "rsqrt(-inf) is NaN in TensorFlow (Eigen's prsqrt) and here");
        for (int i = 0; i < s_points.Length; i++)
        {
            Assert.Equal(-0.5f * y[i] * y[i] * y[i], g[i]);
        }

        Assert.Equal([float.NaN, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.5f, -1f / 16], g[..6]);
        Assert.Equal(0f, Math.Abs(g[6])); // rsqrt(+inf) = 0: a zero gradient (its sign differs between TensorFlow's packet and scalar paths)
    }

    [Fact]
    public void MixedUpstream_ZeroOnlyWhereTheUpstreamIsZero()
    {
        var x = Tf.Constant(new[] { 0f, 0f, 4f, -1f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.Sqrt(x);
        float[] g = tape.Gradient([y], [x], [Tf.Constant(new[] { 0f, 1f, 2f, 0f })])[0]!.ToArray<float>();
        Assert.Equal([0f, float.PositiveInfinity, 0.5f, 0f], g);
    }

    [Theory]
    [MemberData(nameof(SafeOps))]
    public void SecondOrder_StillMatchesFiniteDifferences(string op)
    {
        // The mask is written with differentiable ops: the second derivative is unchanged away from the kinks.
        var x = Tf.Constant(new[] { 0.5, 1.5, 3.0 });
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor first;
        using (var inner = new GradientTape())
        {
            inner.Watch(x);
            Tensor y = Apply(op, x);
            first = inner.Gradient([y], [x], [Tf.Constant(new[] { 1.0, 0.5, 2.0 })])[0]!;
        }

        double[] second = outer.Gradient(first, x)!.ToArray<double>();
        double[] at = x.ToArray<double>();
        double[] dy = [1.0, 0.5, 2.0];
        for (int i = 0; i < at.Length; i++)
        {
            const double H = 1e-5;
            double fd = dy[i] * (Derivative(op, at[i] + H) - Derivative(op, at[i] - H)) / (2 * H);
            Assert.Equal(fd, second[i], 1e-4 * Math.Max(1, Math.Abs(fd)));
        }
    }

    private static float[] Gradient(string op, float upstream)
    {
        var x = Tf.Constant(s_points);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Apply(op, x);
        return tape.Gradient([y], [x], [Tf.Fill([s_points.Length], upstream)])[0]!.ToArray<float>();
    }

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "Rsqrt" => Tf.Rsqrt(x),
        "Sqrt" => Tf.Sqrt(x),
        _ => Tf.Reciprocal(x),
    };

    private static double Derivative(string op, double x) => op switch
    {
        "Rsqrt" => -0.5 * Math.Pow(x, -1.5),
        "Sqrt" => 0.5 / Math.Sqrt(x),
        _ => -1 / (x * x),
    };
}
