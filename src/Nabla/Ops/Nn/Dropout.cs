namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Zeroes each element with probability <paramref name="rate"/> and scales the kept ones by
        /// <c>1 / (1 - rate)</c> so that the expected sum is unchanged. The mask comes from <see cref="Random.Uniform"/>
        /// (reproducible under <see cref="Random.SetSeed"/> and <paramref name="seed"/>).
        /// </summary>
        /// <exception cref="ArgumentException">When <paramref name="rate"/> is outside [0, 1) or <paramref name="x"/> is not floating.</exception>
        public static Tensor Dropout(Tensor x, double rate, int? seed = null)
        {
            ArgumentNullException.ThrowIfNull(x);
            if (!(rate >= 0 && rate < 1))
            {
                throw new ArgumentException(
                    $"Dropout: rate must be a scalar tensor or a float in the range [0, 1), got {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                    $"(x {x.Shape} {x.DType}).", nameof(rate));
            }

            DTypeRules.Require("Dropout", x.DType, DTypeSet.Floating, x.Shape);
            if (rate == 0)
            {
                return Identity(x);
            }

            Tensor random = Random.Uniform(x.Shape, dtype: x.DType, seed: seed);
            Tensor keep = Cast(GreaterEqual(random, rate), x.DType);
            return Multiply(Multiply(x, 1.0 / (1.0 - rate)), keep);
        }
    }
}
