namespace Nabla.Keras.Initializers;

/// <summary>Normally distributed values (Keras's <c>RandomNormal</c>); the same values on every call when seeded.</summary>
/// <param name="mean">The mean.</param>
/// <param name="stddev">The standard deviation.</param>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class RandomNormal(double mean = 0, double stddev = 0.05, int? seed = null) : Initializer
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;

    /// <summary>The standard deviation.</summary>
    public double Stddev { get; } = stddev;

    /// <summary>The seed.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype) => RandomSource.Normal(shape, Mean, Stddev, dtype, Seed);
}

/// <summary>Uniformly distributed values in [min, max) (Keras's <c>RandomUniform</c>).</summary>
/// <param name="minval">The lower bound.</param>
/// <param name="maxval">The upper bound (excluded).</param>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : Initializer
{
    /// <summary>The lower bound.</summary>
    public double Minval { get; } = minval;

    /// <summary>The upper bound (excluded).</summary>
    public double Maxval { get; } = maxval;

    /// <summary>The seed.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype) => RandomSource.Uniform(shape, Minval, Maxval, dtype, Seed);
}

/// <summary>Keras's <c>VarianceScaling</c>: values with variance <c>scale / n</c>, <c>n</c> the fan in, fan out or their average.</summary>
public class VarianceScaling : Initializer
{
    // Standard deviation of the standard normal truncated to (-2, 2): scipy.stats.truncnorm.std(a=-2, b=2).
    private const double TruncatedStddev = 0.87962566103423978;

    /// <summary>Creates the initializer.</summary>
    /// <param name="scale">The variance scale.</param>
    /// <param name="mode"><c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>.</param>
    /// <param name="distribution"><c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</param>
    /// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
    public VarianceScaling(double scale = 1, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
    {
        if (scale <= 0)
        {
            throw new ArgumentException($"VarianceScaling: scale must be positive, got {scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(scale));
        }

        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
        {
            throw new ArgumentException($"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got '{mode}'.", nameof(mode));
        }

        if (distribution is not ("truncated_normal" or "untruncated_normal" or "normal" or "uniform"))
        {
            throw new ArgumentException($"VarianceScaling: unknown distribution '{distribution}'.", nameof(distribution));
        }

        Scale = scale;
        Mode = mode;
        Distribution = distribution;
        Seed = seed;
    }

    /// <summary>The variance scale.</summary>
    public double Scale { get; }

    /// <summary><c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>.</summary>
    public string Mode { get; }

    /// <summary><c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</summary>
    public string Distribution { get; }

    /// <summary>The seed.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype)
    {
        (double fanIn, double fanOut) = ComputeFans(shape);
        double n = Mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => (fanIn + fanOut) / 2,
        };
        double variance = Scale / Math.Max(1, n);
        return Distribution switch
        {
            "uniform" => RandomSource.Uniform(shape, -Math.Sqrt(3 * variance), Math.Sqrt(3 * variance), dtype, Seed),
            "truncated_normal" => RandomSource.TruncatedNormal(shape, 0, Math.Sqrt(variance) / TruncatedStddev, dtype, Seed),
            _ => RandomSource.Normal(shape, 0, Math.Sqrt(variance), dtype, Seed),
        };
    }
}

/// <summary>Glorot (Xavier) uniform: limit <c>sqrt(6 / (fanIn + fanOut))</c>; Keras's default kernel initializer.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class GlorotUniform(int? seed = null) : VarianceScaling(1, "fan_avg", "uniform", seed);

/// <summary>Glorot (Xavier) normal: truncated normal with stddev <c>sqrt(2 / (fanIn + fanOut))</c>.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class GlorotNormal(int? seed = null) : VarianceScaling(1, "fan_avg", "truncated_normal", seed);

/// <summary>He normal: truncated normal with stddev <c>sqrt(2 / fanIn)</c>.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class HeNormal(int? seed = null) : VarianceScaling(2, "fan_in", "truncated_normal", seed);

/// <summary>He uniform: limit <c>sqrt(6 / fanIn)</c>.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2, "fan_in", "uniform", seed);

/// <summary>LeCun normal: truncated normal with stddev <c>sqrt(1 / fanIn)</c>.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class LecunNormal(int? seed = null) : VarianceScaling(1, "fan_in", "truncated_normal", seed);

/// <summary>LeCun uniform: limit <c>sqrt(3 / fanIn)</c>.</summary>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class LecunUniform(int? seed = null) : VarianceScaling(1, "fan_in", "uniform", seed);
