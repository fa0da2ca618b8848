using System.Text.Json.Nodes;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// Keras's <c>from_config</c> for the built-in layers: a layer from its <c>class_name</c> and <c>config</c>, the
/// constructor's arguments read back by their Keras names. Classes registered with
/// <see cref="Keras.Saving.RegisterKerasSerializable{T}"/> are looked up by their registered name first.
/// </summary>
internal static class LayerFactories
{
    private static readonly Dictionary<string, Func<JsonObject, Layer>> s_builtIn = new Dictionary<string, Func<JsonObject, Layer>>(StringComparer.Ordinal)
    {
        ["Dense"] = c => new Dense(Get<int>(c, "units", "Dense"), ActivationOf(c["activation"]), Optional(c, "use_bias", true),
            InitializerOf(c["kernel_initializer"]), InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), name: NameOf(c), dtype: DTypeOf(c)),
        ["Conv1D"] = c => new Conv1D(Get<int>(c, "filters", "Conv1D"), IntsOf(c["kernel_size"], 1, "Conv1D's kernel_size")[0],
            IntsOf(c["strides"] ?? 1, 1, "Conv1D's strides")[0], Optional(c, "padding", "valid"), IntsOf(c["dilation_rate"] ?? 1, 1, "Conv1D's dilation_rate")[0],
            Optional(c, "groups", 1), ActivationOf(c["activation"]), Optional(c, "use_bias", true), InitializerOf(c["kernel_initializer"]),
            InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]), RegularizerOf(c["bias_regularizer"]),
            RegularizerOf(c["activity_regularizer"]), name: NameOf(c), dtype: DTypeOf(c)),
        ["Conv2D"] = c => new Conv2D(Get<int>(c, "filters", "Conv2D"), IntsOf(c["kernel_size"], 2, "Conv2D's kernel_size"),
            IntsOf(c["strides"] ?? 1, 2, "Conv2D's strides"), Optional(c, "padding", "valid"), ActivationOf(c["activation"]), Optional(c, "use_bias", true),
            InitializerOf(c["kernel_initializer"]), InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), IntsOf(c["dilation_rate"] ?? 1, 2, "Conv2D's dilation_rate"),
            Optional(c, "groups", 1), name: NameOf(c), dtype: DTypeOf(c)),
        ["MaxPooling2D"] = c => new MaxPooling2D(IntsOf(c["pool_size"] ?? 2, 2, "pool_size"), StridesOf(c, 2), Optional(c, "padding", "valid"), NameOf(c), DTypeOf(c)),
        ["AveragePooling2D"] = c => new AveragePooling2D(IntsOf(c["pool_size"] ?? 2, 2, "pool_size"), StridesOf(c, 2), Optional(c, "padding", "valid"), NameOf(c), DTypeOf(c)),
        ["MaxPooling1D"] = c => new MaxPooling1D(IntsOf(c["pool_size"] ?? 2, 1, "pool_size")[0], StridesOf(c, 1)?[0], Optional(c, "padding", "valid"), NameOf(c), DTypeOf(c)),
        ["AveragePooling1D"] = c => new AveragePooling1D(IntsOf(c["pool_size"] ?? 2, 1, "pool_size")[0], StridesOf(c, 1)?[0], Optional(c, "padding", "valid"), NameOf(c), DTypeOf(c)),
        ["GlobalAveragePooling2D"] = c => new GlobalAveragePooling2D(Optional(c, "keepdims", false), NameOf(c), DTypeOf(c)),
        ["GlobalMaxPooling2D"] = c => new GlobalMaxPooling2D(Optional(c, "keepdims", false), NameOf(c), DTypeOf(c)),
        ["GlobalAveragePooling1D"] = c => new GlobalAveragePooling1D(Optional(c, "keepdims", false), NameOf(c), DTypeOf(c)),
        ["GlobalMaxPooling1D"] = c => new GlobalMaxPooling1D(Optional(c, "keepdims", false), NameOf(c), DTypeOf(c)),
        ["Flatten"] = c => new Flatten(name: NameOf(c)),
        ["Activation"] = c => new Activation(ActivationOf(c["activation"]) ?? "linear", NameOf(c)),
        ["Dropout"] = c => new Dropout(Get<double>(c, "rate", "Dropout"), c["seed"] is { } s ? s.GetValue<int>() : null, NameOf(c),
            c["noise_shape"] is JsonArray n ? ShapeOf(n, "Dropout's noise_shape") : null, DTypeOf(c)),
        ["Reshape"] = c => new Reshape(IntsOf(c["target_shape"], 0, "Reshape's target_shape"), name: NameOf(c)),
        ["BatchNormalization"] = c => new BatchNormalization(Optional(c, "momentum", 0.99), Optional(c, "epsilon", 1e-3), Optional(c, "center", true),
            Optional(c, "scale", true), name: NameOf(c), dtype: DTypeOf(c)),
        ["LayerNormalization"] = c => new LayerNormalization(Optional(c, "epsilon", 1e-3), Optional(c, "center", true), Optional(c, "scale", true),
            name: NameOf(c), dtype: DTypeOf(c)),
        ["Embedding"] = c => new Embedding(Get<int>(c, "input_dim", "Embedding"), Get<int>(c, "output_dim", "Embedding"),
            InitializerOf(c["embeddings_initializer"]), RegularizerOf(c["embeddings_regularizer"]), RegularizerOf(c["activity_regularizer"]),
            name: NameOf(c), dtype: DTypeOf(c), maskZero: Optional(c, "mask_zero", false)),
        ["Concatenate"] = c => new Concatenate(Optional(c, "axis", -1), NameOf(c), DTypeOf(c)),
        ["Dot"] = c => new Dot(IntsOf(c["axes"], 2, "Dot's axes"), Optional(c, "normalize", false), NameOf(c), DTypeOf(c)),
        ["Add"] = c => new Add(NameOf(c), DTypeOf(c)),
        ["Subtract"] = c => new Subtract(NameOf(c), DTypeOf(c)),
        ["Multiply"] = c => new Multiply(NameOf(c), DTypeOf(c)),
        ["Average"] = c => new Average(NameOf(c), DTypeOf(c)),
        ["Maximum"] = c => new Maximum(NameOf(c), DTypeOf(c)),
        ["Minimum"] = c => new Minimum(NameOf(c), DTypeOf(c)),
    }.Concat(ConvolutionAndShapeFactories.All).Concat(SequenceFactories.All).ToDictionary(StringComparer.Ordinal);

    private static readonly Dictionary<string, Func<JsonObject, Layer>> s_registered = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> s_registeredNames = [];
    private static readonly Lock s_lock = new();

    /// <summary>Registers a class under <c>package&gt;ClassName</c> (Keras's <c>register_keras_serializable</c>).</summary>
    public static string Register(Type type, string package, Func<JsonObject, Layer> fromConfig)
    {
        string registered = $"{package}>{type.Name}";
        lock (s_lock)
        {
            s_registered[registered] = fromConfig;
            s_registeredNames[type] = registered;
        }

        return registered;
    }

    /// <summary>The registered name of <paramref name="type"/>, or null for a class that is not registered.</summary>
    public static string? RegisteredName(Type type)
    {
        lock (s_lock)
        {
            return s_registeredNames.GetValueOrDefault(type);
        }
    }

    /// <summary>Whether <paramref name="className"/> is a built-in layer this file can rebuild.</summary>
    public static bool IsBuiltIn(string className) => s_builtIn.ContainsKey(className);

    /// <summary>The layer of a serialized <c>{"class_name", "config", "registered_name"}</c> object.</summary>
    /// <exception cref="NotSupportedException">For a class neither built in nor registered.</exception>
    public static Layer Create(JsonObject serialized)
    {
        string className = Get<string>(serialized, "class_name", "a layer");
        JsonObject config = serialized["config"] as JsonObject ?? throw Bad($"layer {className}", "has no config object");
        string? registered = serialized["registered_name"]?.GetValue<string>();
        Func<JsonObject, Layer>? factory;
        lock (s_lock)
        {
            factory = registered is not null && s_registered.TryGetValue(registered, out Func<JsonObject, Layer>? custom) ? custom : null;
        }

        factory ??= s_builtIn.GetValueOrDefault(className) ?? throw new NotSupportedException(
            $"LoadModel: layer class '{className}'{(registered is null ? string.Empty : $" (registered as '{registered}')")} is not one Nabla can rebuild " +
            "from a config: register it with Keras.Saving.RegisterKerasSerializable.");
        try
        {
            return factory(config);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"Model config: the config of layer {className} '{NameOf(config)}' is not valid: {e.Message}", e);
        }
    }

    private static int[]? StridesOf(JsonObject config, int rank) => config["strides"] is { } node ? IntsOf(node, rank, "strides") : null;
}
