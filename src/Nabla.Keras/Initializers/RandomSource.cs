namespace Nabla.Keras.Initializers;

/// <summary>
/// Random tensors for initializers, from <c>Tf.Random</c> (TensorFlow's seed rules: a seeded initializer gives
/// the same sequence of values in every run of the program; successive calls within a run differ).
/// </summary>
internal static class RandomSource
{
    public static Tensor Uniform(Shape shape, double minval, double maxval, DType dtype, int? seed) =>
        Tf.Random.Uniform(shape, minval, maxval, dtype, seed);

    public static Tensor Normal(Shape shape, double mean, double stddev, DType dtype, int? seed) =>
        Tf.Random.Normal(shape, mean, stddev, dtype, seed);

    public static Tensor TruncatedNormal(Shape shape, double mean, double stddev, DType dtype, int? seed) =>
        Tf.Random.TruncatedNormal(shape, mean, stddev, dtype, seed);
}
