namespace Nabla.Tests.Seed;

/// <summary>The README's first example, as a user would paste it, converges to the least-squares slope.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_FitsLeastSquaresSlope()
    {
        var w = new Variable(0.5);
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = [-3, -1, 1, 3, 5, 7];

        for (int step = 0; step < 1000; step++)
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceMean(Tf.Square((w * xs) - ys));
            Tensor grad = tape.Gradient(loss, w)!;
            w.AssignSub(0.01 * grad);
        }

        // Without a bias the optimum is sum(x*y) / sum(x^2) = 53 / 31.
        Assert.Equal(53.0 / 31.0, w.Item<double>(), 1e-6);
        Assert.StartsWith("w = 1.709677", $"w = {w}", StringComparison.Ordinal);
    }
}
