using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Rescales inputs (Keras's <c>Rescaling</c>): <c>cast(inputs) · scale + offset</c>, e.g. <c>scale: 1 / 255.0</c> maps
/// pixel values to [0, 1] and <c>scale: 1 / 127.5, offset: -1</c> to [-1, 1]. The inputs are cast to the layer's dtype
/// first (float32 by default); a scale or offset with one value per channel broadcasts over the last axis.
/// </summary>
public class Rescaling : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="scale">The scale: a number or one value per channel.</param>
    /// <param name="offset">The offset added after scaling: a number or one value per channel; 0 by default.</param>
    /// <param name="name">The layer's name; <c>rescaling</c>... by default.</param>
    /// <param name="dtype">The dtype of the outputs; float32 by default.</param>
    public Rescaling(Tensor scale, Tensor? offset = null, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        ArgumentNullException.ThrowIfNull(scale);
        Scale = Tf.Cast(scale, DType);
        Offset = offset is null ? Tf.Zeros([], DType) : Tf.Cast(offset, DType);
    }

    /// <summary>The scale, in the layer's dtype.</summary>
    public Tensor Scale { get; }

    /// <summary>The offset, in the layer's dtype.</summary>
    public Tensor Offset { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor x = inputs.DType == DType ? inputs : Tf.Cast(inputs, DType);
        try
        {
            return Tf.Add(Tf.Multiply(x, Scale), Offset);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Rescaling {Name}: scale {Scale.Shape} and offset {Offset.Shape} do not broadcast against inputs of shape {inputs.Shape} ({inputs.DType}).",
                nameof(inputs), e);
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["scale"] = KerasConfig.NestedList(Scale);
        config["offset"] = KerasConfig.NestedList(Offset);
        return config;
    }
}
