namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Zeroes each element with probability <paramref name="rate"/> and scales the kept ones by
        /// <c>1 / (1 - rate)</c> so that the expected sum is unchanged. The mask comes from <see cref="Random.Uniform"/>
        /// (reproducible under <see cref="Random.SetSeed"/> and <paramref name="seed"/>). With
        /// <paramref name="noiseShape"/> (TensorFlow's <c>noise_shape</c>) the mask has that shape and is broadcast over
        /// <paramref name="x"/>: a 1 keeps or drops a whole slice together (Keras's spatial dropout drops whole channels).
        /// </summary>
        /// <exception cref="ArgumentException">
        /// When <paramref name="rate"/> is outside [0, 1), <paramref name="x"/> is not floating, or
        /// <paramref name="noiseShape"/> does not broadcast to <paramref name="x"/>'s shape.
        /// </exception>
        public static Tensor Dropout(Tensor x, double rate, int? seed = null, int[]? noiseShape = null)
        {
            ArgumentNullException.ThrowIfNull(x);
            if (!(rate >= 0 && rate < 1))
            {
                throw new ArgumentException(
                    $"Dropout: rate must be a scalar tensor or a float in the range [0, 1), got {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                    $"(x {x.Shape} {x.DType}).", nameof(rate));
            }

            DTypeRules.Require("Dropout", x.DType, DTypeSet.Floating, x.Shape);
            if (noiseShape is not null && Array.Exists(noiseShape, d => d < 0))
            {
                throw new ArgumentException($"Dropout: noise_shape [{string.Join(", ", noiseShape)}] has a negative dimension (x {x.Shape} {x.DType}).", nameof(noiseShape));
            }

            Shape maskShape = noiseShape is null ? x.Shape : new Shape(noiseShape);
            if (noiseShape is not null && (maskShape.Rank != x.Rank || Enumerable.Range(0, x.Rank).Any(i => maskShape[i] != 1 && maskShape[i] != x.Shape[i])))
            {
                throw new ArgumentException(
                    $"Dropout: noise_shape {maskShape} must have x's rank with each dimension 1 or x's dimension (x {x.Shape} {x.DType}).", nameof(noiseShape));
            }

            if (rate == 0)
            {
                return Identity(x);
            }

            Tensor random = Random.Uniform(maskShape, dtype: x.DType, seed: seed);
            Tensor keep = Cast(GreaterEqual(random, rate), x.DType);
            return Multiply(Multiply(x, 1.0 / (1.0 - rate)), keep);
        }
    }
}
