namespace Nabla.Tests.Graph;

/// <summary>
/// Seeded normal values made with <see cref="Random"/>, for tests that compare fused with unfused results.
/// <c>Tf.Random.Normal(shape, seed: s)</c> follows TensorFlow's rule that an op seed's values depend on how many
/// calls with that seed came before, so its inputs would change with the order the test runner picks, and a
/// comparison near its tolerance would pass or fail with it.
/// </summary>
internal static class SeededInputs
{
    public static Tensor Normal(int[] shape, int seed)
    {
        var random = new Random(seed);
        int size = 1;
        foreach (int dim in shape)
        {
            size *= dim;
        }

        float[] values = new float[size];
        for (int i = 0; i < values.Length; i++)
        {
            // Box-Muller: 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return Tf.Constant(values, shape);
    }
}
