namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// The mean and (population) variance of <paramref name="x"/> over <paramref name="axes"/> (TensorFlow's
        /// <c>tf.nn.moments</c>); with <paramref name="keepdims"/> the reduced axes stay as size 1. float16 and
        /// bfloat16 are computed in float32 and cast back, as TensorFlow does.
        /// </summary>
        /// <remarks>
        /// TensorFlow stops the gradient of the mean inside the variance; that changes nothing at first order (the
        /// deviations sum to zero) but gives a wrong second derivative, so Nabla keeps the mean differentiable there.
        /// </remarks>
        /// <exception cref="ArgumentException">When an axis is out of range or repeated, or the dtype is not floating.</exception>
        public static (Tensor Mean, Tensor Variance) Moments(Tensor x, int[] axes, bool keepdims = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(axes);
            ReduceAxes.Validate("Moments", x, axes, DTypeSet.Floating);
            Tensor y = x.DType.IsReducedPrecision ? Cast(x, DType.Float32) : x;
            Tensor mean = ReduceMean(y, axes, keepdims: true);
            Tensor variance = ReduceMean(SquaredDifference(y, mean), axes, keepdims: true);
            if (!keepdims)
            {
                mean = Squeeze(mean, axes);
                variance = Squeeze(variance, axes);
            }

            return x.DType.IsReducedPrecision ? (Cast(mean, x.DType), Cast(variance, x.DType)) : (mean, variance);
        }

        /// <summary>
        /// Normalizes <paramref name="x"/> with the given statistics (TensorFlow's <c>tf.nn.batch_normalization</c>):
        /// <c>scale * (x - mean) / sqrt(variance + varianceEpsilon) + offset</c>, every argument broadcasting against
        /// x; a null <paramref name="offset"/> is 0 and a null <paramref name="scale"/> is 1.
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes do not broadcast or the dtypes differ.</exception>
        public static Tensor BatchNormalization(
            Tensor x, Tensor mean, Tensor variance, Tensor? offset, Tensor? scale, double varianceEpsilon)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(mean);
            ArgumentNullException.ThrowIfNull(variance);
            DTypeRules.Require("BatchNormalization", x.DType, DTypeSet.Floating, x.Shape);
            foreach (Tensor? t in (ReadOnlySpan<Tensor?>)[mean, variance, offset, scale])
            {
                if (t is not null && !t.IsWeak && t.DType != x.DType)
                {
                    throw new ArgumentException(
                        $"BatchNormalization: mean, variance, offset and scale must have x's dtype {x.DType} (x of shape {x.Shape}), " +
                        $"got {t.DType} of shape {t.Shape}.");
                }
            }


            // TensorFlow's form: one multiply and one add over x, the per-channel terms computed first.
            Tensor inv = Rsqrt(Add(variance, varianceEpsilon));
            if (scale is not null)
            {
                inv = Multiply(inv, scale);
            }

            Tensor shift = offset is null ? Negative(Multiply(mean, inv)) : Subtract(offset, Multiply(mean, inv));
            return Add(Multiply(x, inv), shift);
        }
    }
}
