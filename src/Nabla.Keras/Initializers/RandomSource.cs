namespace Nabla.Keras.Initializers;

/// <summary>
/// Random tensors for initializers. Interim: sampled with <see cref="System.Random"/> until <c>Tf.Random</c> lands
/// on main, then these forward to <c>Tf.Random.Uniform/Normal/TruncatedNormal</c>.
/// </summary>
internal static class RandomSource
{
    public static Tensor Uniform(Shape shape, double minval, double maxval, DType dtype, int? seed)
    {
        Random random = seed is { } s ? new Random(s) : Random.Shared;
        var values = new double[shape.Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = minval + ((maxval - minval) * random.NextDouble());
        }

        return Tf.Cast(Tf.Constant(values, shape), dtype);
    }

    public static Tensor Normal(Shape shape, double mean, double stddev, DType dtype, int? seed) =>
        Sample(shape, mean, stddev, dtype, seed, truncated: false);

    public static Tensor TruncatedNormal(Shape shape, double mean, double stddev, DType dtype, int? seed) =>
        Sample(shape, mean, stddev, dtype, seed, truncated: true);

    private static Tensor Sample(Shape shape, double mean, double stddev, DType dtype, int? seed, bool truncated)
    {
        Random random = seed is { } s ? new Random(s) : Random.Shared;
        var values = new double[shape.Size];
        for (int i = 0; i < values.Length; i++)
        {
            double z;
            do
            {
                // Box-Muller on (0, 1] to avoid log(0).
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            while (truncated && Math.Abs(z) > 2);

            values[i] = mean + (stddev * z);
        }

        return Tf.Cast(Tf.Constant(values, shape), dtype);
    }
}
