using System.Globalization;
using System.Text.Json.Nodes;

namespace Nabla.Keras;

/// <summary>
/// Masks time steps whose features all equal <see cref="MaskValue"/> (Keras's <c>Masking</c>): such a step of a
/// (batch, time, features) input is set to zeros and masked out (false) in the (batch, time) mask that the output
/// carries to the next layers, so a recurrent layer skips it, keeping its previous state.
/// </summary>
public class Masking : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="maskValue">The value marking padding.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name; <c>masking</c>... by default.</param>
    /// <param name="dtype">The dtype floating inputs are cast to; float32 by default.</param>
    public Masking(double maskValue = 0, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        MaskValue = maskValue;
        SupportsMasking = true;
    }

    /// <summary>The value marking padding.</summary>
    public double MaskValue { get; }

    /// <summary>True for each step with at least one feature different from <see cref="MaskValue"/>.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => KeepSteps(inputs, keepdims: false);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Tensor keep = KeepSteps(inputs, keepdims: true);
        Tensor outputs = Tf.Where(keep, inputs, Tf.ZerosLike(inputs));
        Backend.SetKerasMask(outputs, Tf.Squeeze(keep, [-1]));
        return outputs;
    }

    private Tensor KeepSteps(Tensor inputs, bool keepdims)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank < 2)
        {
            throw new ArgumentException(
                $"Masking {Name}: inputs must have a batch and a time axis, got shape {inputs.Shape} ({inputs.DType}); mask value " +
                MaskValue.ToString(CultureInfo.InvariantCulture) + ".", nameof(inputs));
        }

        Tensor value = Tf.Cast(Tf.Constant(MaskValue), inputs.DType);
        return Tf.ReduceAny(Tf.NotEqual(inputs, value), -1, keepdims);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["mask_value"] = MaskValue;
        return config;
    }
}
