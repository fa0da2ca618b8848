using Nabla.Keras.Initializers;
using InitializerTypes = Nabla.Keras.Initializers;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.initializers</c>: each function creates the initializer of the same name in <see cref="Nabla.Keras.Initializers"/>.</summary>
    public static class Initializers
    {
        /// <summary>The initializer named <paramref name="name"/> (<c>keras.initializers.get</c>; see <see cref="Initializer.Get"/>).</summary>
        /// <param name="name">An initializer name: <c>"he_normal"</c>, <c>"zeros"</c>...</param>
        public static Initializer Get(string name) => Initializer.Get(name);

        /// <inheritdoc cref="InitializerTypes.Zeros"/>
        public static InitializerTypes.Zeros Zeros() => new();

        /// <inheritdoc cref="InitializerTypes.Ones"/>
        public static InitializerTypes.Ones Ones() => new();

        /// <inheritdoc cref="InitializerTypes.Constant"/>
        public static InitializerTypes.Constant Constant(double value = 0) => new(value);

        /// <inheritdoc cref="InitializerTypes.RandomNormal"/>
        public static InitializerTypes.RandomNormal RandomNormal(double mean = 0, double stddev = 0.05, int? seed = null) => new(mean, stddev, seed);

        /// <inheritdoc cref="InitializerTypes.RandomUniform"/>
        public static InitializerTypes.RandomUniform RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) => new(minval, maxval, seed);

        /// <inheritdoc cref="InitializerTypes.VarianceScaling"/>
        public static InitializerTypes.VarianceScaling VarianceScaling(
            double scale = 1, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null) => new(scale, mode, distribution, seed);

        /// <inheritdoc cref="InitializerTypes.GlorotUniform"/>
        public static InitializerTypes.GlorotUniform GlorotUniform(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.GlorotNormal"/>
        public static InitializerTypes.GlorotNormal GlorotNormal(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.HeNormal"/>
        public static InitializerTypes.HeNormal HeNormal(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.HeUniform"/>
        public static InitializerTypes.HeUniform HeUniform(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.LecunNormal"/>
        public static InitializerTypes.LecunNormal LecunNormal(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.LecunUniform"/>
        public static InitializerTypes.LecunUniform LecunUniform(int? seed = null) => new(seed);

        /// <inheritdoc cref="InitializerTypes.Orthogonal"/>
        public static InitializerTypes.Orthogonal Orthogonal(double gain = 1, int? seed = null) => new(gain, seed);
    }
}
