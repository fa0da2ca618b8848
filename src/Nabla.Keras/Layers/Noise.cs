using System.Text.Json.Nodes;

namespace Nabla.Keras;

/// <summary>
/// Adds zero-mean Gaussian noise of standard deviation <see cref="Stddev"/> during training (Keras's
/// <c>GaussianNoise</c>, a regularizer); at inference it is the identity.
/// </summary>
public class GaussianNoise : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="stddev">The noise's standard deviation, in [0, 1] as Keras requires.</param>
    /// <param name="seed">The op seed of the noise; <c>null</c> for the global generator only.</param>
    /// <param name="name">The layer's name; <c>gaussian_noise</c>... by default.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    /// <exception cref="ArgumentException">When <paramref name="stddev"/> is outside [0, 1].</exception>
    public GaussianNoise(double stddev, int? seed = null, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        if (!(stddev >= 0 && stddev <= 1))
        {
            throw new ArgumentException(
                $"GaussianNoise: Invalid value received for argument `stddev`. Expected a float value between 0 and 1. " +
                $"Received: stddev={stddev.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(stddev));
        }

        Stddev = stddev;
        Seed = seed;
    }

    /// <summary>The noise's standard deviation.</summary>
    public double Stddev { get; }

    /// <summary>The op seed of the noise.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!training || Stddev == 0)
        {
            return inputs;
        }

        if (!inputs.DType.IsFloating)
        {
            throw new ArgumentException($"GaussianNoise {Name}: inputs must be floating, got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        return Tf.Add(inputs, Tf.Random.Normal(inputs.Shape, 0, Stddev, inputs.DType, Seed));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["stddev"] = Stddev;
        config["seed"] = Seed;
        return config;
    }
}

/// <summary>
/// Dropout of whole channels of (batch, steps, channels) inputs (Keras's <c>SpatialDropout1D</c>): one keep-or-drop
/// draw per sample and channel, shared by every step, since neighbouring steps are strongly correlated.
/// </summary>
/// <param name="rate">The fraction of channels to drop, in [0, 1).</param>
/// <param name="seed">The op seed of the mask.</param>
/// <param name="name">The layer's name; <c>spatial_dropout1d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class SpatialDropout1D(double rate, int? seed = null, string? name = null, DType? dtype = null)
    : Dropout(rate, seed, name, dtype: dtype)
{
    /// <inheritdoc/>
    protected override int[]? NoiseShapeFor(Tensor inputs)
    {
        ConvUtils.RequireRank(this, inputs, 1);
        return [inputs.Shape[0], 1, inputs.Shape[2]];
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        // Keras's spatial dropouts take no noise_shape: it follows from the inputs' shape.
        JsonObject config = base.GetConfig();
        config.Remove("noise_shape");
        return config;
    }
}

/// <summary>
/// Dropout of whole feature maps of NHWC inputs (Keras's <c>SpatialDropout2D</c>): one keep-or-drop draw per sample
/// and channel, shared by every pixel.
/// </summary>
/// <param name="rate">The fraction of channels to drop, in [0, 1).</param>
/// <param name="seed">The op seed of the mask.</param>
/// <param name="name">The layer's name; <c>spatial_dropout2d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class SpatialDropout2D(double rate, int? seed = null, string? name = null, DType? dtype = null)
    : Dropout(rate, seed, name, dtype: dtype)
{
    /// <inheritdoc/>
    protected override int[]? NoiseShapeFor(Tensor inputs)
    {
        ConvUtils.RequireRank(this, inputs, 2);
        return [inputs.Shape[0], 1, 1, inputs.Shape[3]];
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        // Keras's spatial dropouts take no noise_shape: it follows from the inputs' shape.
        JsonObject config = base.GetConfig();
        config.Remove("noise_shape");
        return config;
    }
}
