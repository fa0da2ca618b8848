using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;
namespace Nabla.Keras;

/// <summary>Applies an activation function (Keras's <c>Activation</c> layer); it has no weights.</summary>
public class Activation : Layer
{
    private readonly Func<Tensor, Tensor> _function;

    /// <summary>Creates the layer from an activation name (<c>"relu"</c>).</summary>
    /// <param name="activation">The name.</param>
    /// <param name="name">The layer's name; <c>activation</c>, <c>activation_1</c>... by default.</param>
    public Activation(string activation, string? name = null)
        : this(Activations.Get(activation ?? throw new ArgumentNullException(nameof(activation))), name)
    {
    }

    /// <summary>Creates the layer from a function.</summary>
    /// <param name="activation">The function.</param>
    /// <param name="name">The layer's name.</param>
    public Activation(Func<Tensor, Tensor> activation, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(activation);
        _function = activation;
        SupportsMasking = true;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => _function(inputs);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["activation"] = KerasConfig.ActivationName(_function, $"Activation {Name}");
        return config;
    }
}

/// <summary>Flattens each sample to a vector (Keras's <c>Flatten</c>): shape (batch, d1, d2...) becomes (batch, d1·d2·...).</summary>
public class Flatten : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name; <c>flatten</c>... by default.</param>
    public Flatten(int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank == 0)
        {
            throw new ArgumentException($"Flatten {Name}: inputs must have a batch dimension, got a scalar ({inputs.DType}).", nameof(inputs));
        }

        return Tf.Reshape(inputs, inputs.Rank == 1 ? [inputs.Shape[0], 1] : [inputs.Shape[0], -1]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["data_format"] = "channels_last";
        return config;
    }
}
