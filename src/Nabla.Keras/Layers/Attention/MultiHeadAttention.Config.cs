using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>The multi-head attention layer's <c>.keras</c> config, as Keras 3's <c>MultiHeadAttention.get_config</c> writes it.</summary>
public partial class MultiHeadAttention
{
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"MultiHeadAttention {Name}";
        JsonObject config = BaseConfig();
        config["num_heads"] = NumHeads;
        config["key_dim"] = KeyDim;
        config["value_dim"] = ValueDim;
        config["dropout"] = Dropout;
        config["use_bias"] = UseBias;
        config["output_shape"] = _outputShape is null ? null : KerasConfig.Ints(_outputShape);
        config["attention_axes"] = _attentionAxes is null ? null : KerasConfig.Ints(_attentionAxes);
        config["kernel_initializer"] = KerasConfig.Initializer(_kernelInitializer, owner);
        config["bias_initializer"] = KerasConfig.Initializer(_biasInitializer, owner);
        config["kernel_regularizer"] = KerasConfig.Regularizer(_kernelRegularizer, owner);
        config["bias_regularizer"] = KerasConfig.Regularizer(_biasRegularizer, owner);
        config["activity_regularizer"] = KerasConfig.Regularizer(_sublayerActivityRegularizer, owner);
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
        config["seed"] = Seed;
        return config;
    }

    /// <summary>Keras's build config of a layer built by <c>build(query_shape, value_shape, key_shape)</c>: the three shapes by name.</summary>
    internal override JsonObject? BuildConfig()
    {
        if (_buildShapes is not { } shapes)
        {
            return null;
        }

        var dict = new JsonObject
        {
            ["query_shape"] = KerasConfig.BatchShape(shapes.Query),
            ["value_shape"] = KerasConfig.BatchShape(shapes.Value),
        };
        if (shapes.Key is { } key)
        {
            dict["key_shape"] = KerasConfig.BatchShape(key);
        }

        return new JsonObject { ["shapes_dict"] = dict };
    }
}
