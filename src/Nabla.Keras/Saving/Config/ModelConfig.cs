using System.Text.Json.Nodes;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// A whole model's <c>config.json</c> as Keras 3's <c>serialize_keras_object(model)</c> writes it: a <c>Sequential</c>
/// (its layers, an <c>InputLayer</c> first), a <c>Functional</c> model (<see cref="FunctionalConfig"/>) or a registered
/// subclassed model (its own <see cref="Layer.GetConfig"/>), with <c>build_config</c> and <c>compile_config</c>.
/// </summary>
internal static class ModelConfig
{
    /// <summary>The serialized model.</summary>
    /// <exception cref="NotSupportedException">When a layer or the model cannot be described by a config.</exception>
    public static JsonObject Serialize(Model model)
    {
        JsonObject serialized = model switch
        {
            Sequential sequential => Object("keras", "Sequential", SequentialConfig(sequential)),
            { FunctionalGraph: { } graph } when model.GetType() == typeof(Model) =>
                Object("keras.src.models.functional", "Functional", FunctionalConfig.Config(model, graph)),
            _ => LayerEntry(model),
        };
        if (model.BuildInputShape is { } shape)
        {
            serialized["build_config"] = new JsonObject { ["input_shape"] = BatchShape(shape) };
        }

        serialized["compile_config"] = CompileConfig.Serialize(model);
        return serialized;
    }

    /// <summary>The model of a serialized config, built (weights made) but not compiled.</summary>
    public static Model Deserialize(JsonObject serialized)
    {
        string className = Get<string>(serialized, "class_name", "the model");
        JsonObject config = serialized["config"] as JsonObject ?? throw Bad("the model", "has no config object");
        Model model = className switch
        {
            "Sequential" => SequentialFromConfig(config),
            "Functional" or "Model" when serialized["registered_name"] is null || config["layers"] is JsonArray => FunctionalConfig.FromConfig(config),
            _ => LayerFactories.Create(serialized) as Model ?? throw Bad($"'{className}'", "is a layer, not a model"),
        };
        if (!AllBuilt(model) && serialized["build_config"]?["input_shape"] is JsonArray inputShape)
        {
            BuildBy(model, ShapeOf(inputShape, "build_config's input_shape"), DType.Float32);
        }

        return model;
    }

    /// <summary>A layer as an item of a model's <c>layers</c> list: the serialized object with its <c>build_config</c>.</summary>
    public static JsonObject LayerEntry(Layer layer)
    {
        string? registered = LayerFactories.RegisteredName(layer.GetType());
        string className = layer.GetType().Name;
        if (registered is null && !LayerFactories.IsBuiltIn(className) && layer is not InputLayer)
        {
            throw new NotSupportedException(
                $"{className} '{layer.Name}' cannot be saved in a .keras file: register its class with Keras.Saving.RegisterKerasSerializable " +
                "(and override GetConfig) so that LoadModel can rebuild it.");
        }

        JsonObject entry = Object(registered is null ? "keras.layers" : null, className, layer.GetConfig(), registered);
        if (layer is not InputLayer && layer.BuildConfig() is { } buildConfig)
        {
            entry["build_config"] = buildConfig;
        }

        return entry;
    }

    private static JsonObject SequentialConfig(Sequential model)
    {
        IReadOnlyList<Layer> layers = model.Layers;
        Shape? input = layers.Count > 0 ? layers[0].BuildInputShape : null;
        var list = new JsonArray();
        if (input is { } shape)
        {
            // Keras 3 writes the input as an InputLayer first (what `Input(shape)` or `input_shape=` gave).
            list.Add((JsonNode)Object("keras.layers", "InputLayer", new JsonObject
            {
                ["batch_shape"] = BatchShape(shape),
                ["dtype"] = InputDType(layers[0]).Name,
                ["sparse"] = false,
                ["name"] = "input_layer",
            }));
        }

        foreach (Layer layer in layers)
        {
            list.Add((JsonNode)LayerEntry(layer));
        }

        JsonObject config = new() { ["name"] = model.Name, ["trainable"] = model.Trainable, ["dtype"] = DTypePolicy(model.DType), ["layers"] = list };
        if (input is { } built)
        {
            config["build_input_shape"] = BatchShape(built);
        }

        return config;
    }

    private static Sequential SequentialFromConfig(JsonObject config)
    {
        JsonArray items = config["layers"] as JsonArray ?? throw Bad("the Sequential model", "has no 'layers' list");
        var layers = new List<Layer>();
        int?[]? batchShape = null;
        DType inputDType = DType.Float32;
        foreach (JsonNode? item in items)
        {
            JsonObject entry = item as JsonObject ?? throw Bad("the Sequential model", "lists a layer that is not an object");
            if (entry["class_name"]?.GetValue<string>() == "InputLayer")
            {
                JsonObject input = entry["config"] as JsonObject ?? throw Bad("the InputLayer", "has no config");
                batchShape = ShapeOf(input["batch_shape"] ?? input["batch_input_shape"], "the InputLayer's batch_shape");
                inputDType = DTypeOf(input);
                continue;
            }

            batchShape ??= entry["build_config"]?["input_shape"] is JsonArray shape && layers.Count == 0 ? ShapeOf(shape, "build_config's input_shape") : null;
            layers.Add(LayerFactories.Create(entry));
        }

        var model = new Sequential(layers, NameOf(config));
        if (batchShape is not null)
        {
            BuildBy(model, batchShape, inputDType);
        }

        return model;
    }

    // Builds every layer the natural way: one call on a batch of zeros shaped as the saved input (unknown dimensions 1).
    private static void BuildBy(Layer model, int?[] batchShape, DType dtype)
    {
        int[] dims = [.. batchShape.Select(d => d ?? 1)];
        model.Apply(Tf.Zeros(new Shape(dims), dtype));
    }

    private static bool AllBuilt(Layer model) => model.Built && model.Layers.All(l => l.Built);

    // An Embedding reads int32 indices; other first layers read floats of their dtype.
    private static DType InputDType(Layer first) => first is Embedding ? DType.Int32 : first.DType;
}
