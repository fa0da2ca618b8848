using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Applies a layer to every time step of (batch, time, ...) inputs (Keras's <c>TimeDistributed</c>), with the same
/// weights at every step. The steps are folded into the batch, (batch·time, ...), so the inner layer runs once; the
/// mask, when there is one, passes through.
/// </summary>
public class TimeDistributed : Layer
{
    private readonly Layer _layer;

    /// <summary>Creates the layer.</summary>
    /// <param name="layer">The layer applied at each step.</param>
    /// <param name="inputShape">The shape of one sample, (time, ...).</param>
    /// <param name="name">The layer's name; <c>time_distributed</c>... by default.</param>
    public TimeDistributed(Layer layer, int[]? inputShape = null, string? name = null)
        : base(name, inputShape, layer?.DType)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layer = layer;
        SupportsMasking = true;
        BuildFromInputShape();
    }

    /// <summary>The layer applied at each step.</summary>
    public Layer Layer => _layer;

    /// <inheritdoc/>
    public override void Build(Shape inputShape) => _layer.EnsureBuilt(StepShape(inputShape));

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Shape step = StepShape(inputs.Shape);
        int batch = inputs.Shape[0], time = inputs.Shape[1];
        if (mask is not null && (mask.Rank < 2 || mask.Shape[0] != batch || mask.Shape[1] != time))
        {
            throw new ArgumentException(
                $"TimeDistributed {Name}: the mask's first two dimensions (batch, time) must match the inputs' ({batch}, {time}); " +
                $"got mask shape {mask.Shape} for inputs {inputs.Shape}.", nameof(mask));
        }

        Tensor folded = Tf.Reshape(inputs, step.ToArray());
        Tensor? foldedMask = mask is null ? null : Tf.Reshape(mask, [batch * time, .. mask.Shape.ToArray()[2..]]);
        Tensor outputs = _layer.Apply(folded, training, foldedMask);
        return Tf.Reshape(outputs, [batch, time, .. outputs.Shape.ToArray()[1..]]);
    }

    private Shape StepShape(Shape inputShape)
    {
        if (inputShape.Rank < 3)
        {
            throw new ArgumentException(
                $"TimeDistributed {Name}: inputs must have at least 3 dimensions (batch, time, ...), got shape {inputShape}.", nameof(inputShape));
        }

        int[] dims = inputShape.ToArray();
        return new Shape([dims[0] * dims[1], .. dims[2..]]);
    }

    /// <summary>Keras's <c>Wrapper</c> config: the wrapped layer serialized under <c>layer</c>.</summary>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["layer"] = ModelConfig.LayerEntry(_layer);
        return config;
    }
}
