using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// Reading and writing the pieces of Keras 3's serialized configs (<c>serialization_lib</c>): objects as
/// <c>{"module", "class_name", "config", "registered_name"}</c>, dtype policies, shapes with <c>null</c> batch
/// dimensions, activations and initializers by their Keras names.
/// </summary>
public static partial class KerasConfig
{
    /// <summary>A serialized object: <c>{"module": ..., "class_name": ..., "config": ..., "registered_name": ...}</c>.</summary>
    public static JsonObject Object(string? module, string className, JsonObject config, string? registeredName = null) => new()
    {
        ["module"] = module,
        ["class_name"] = className,
        ["config"] = config,
        ["registered_name"] = registeredName,
    };

    /// <summary>Keras 3's dtype policy object for <paramref name="dtype"/>.</summary>
    public static JsonObject DTypePolicy(DType dtype) => Object("keras", "DTypePolicy", new JsonObject { ["name"] = dtype.Name });

    /// <summary>The dtype of a config's <c>dtype</c> entry: a policy object or a plain name (Keras 3.0's form); float32 when absent.</summary>
    public static DType DTypeOf(JsonObject config)
    {
        JsonNode? node = config["dtype"];
        string name = node switch
        {
            null => "float32",
            JsonObject policy => policy["config"]?["name"]?.GetValue<string>() ?? "float32",
            _ => node.GetValue<string>(),
        };
        return name switch
        {
            "mixed_float16" or "mixed_bfloat16" => DType.Float32,
            _ => DType.All.FirstOrDefault(d => d.Name == name) is { Name: not null } found && found.Name == name
                ? found
                : throw Bad("the dtype", $"'{name}' is not a dtype Nabla has"),
        };
    }

    /// <summary>The config's <c>name</c>.</summary>
    public static string? NameOf(JsonObject config) => config["name"]?.GetValue<string>();

    /// <summary>A shape as a JSON list, <c>null</c> for unknown dimensions.</summary>
    public static JsonArray Shape(IEnumerable<int?> dims) => [.. dims.Select(d => d is int v ? JsonValue.Create(v) : null)];

    /// <summary>A build shape as Keras records it: the batch dimension unknown (<c>null</c>).</summary>
    public static JsonArray BatchShape(Shape shape)
    {
        int?[] dims = shape.ToNullableArray();
        if (dims.Length > 0)
        {
            dims[0] = null;
        }

        return Shape(dims);
    }

    /// <summary>A list of ints.</summary>
    public static JsonArray Ints(IEnumerable<int> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];

    /// <summary>A JSON list of ints (or a single int, repeated <paramref name="rank"/> times) read from a config entry.</summary>
    public static int[] IntsOf(JsonNode? node, int rank, string what)
    {
        return node switch
        {
            JsonArray array => [.. array.Select(e => e?.GetValue<int>() ?? throw Bad(what, "holds null"))],
            JsonValue value => [.. Enumerable.Repeat(value.GetValue<int>(), rank)],
            _ => throw Bad(what, "is missing"),
        };
    }

    /// <summary>A shape list with <c>null</c> entries read from a config entry.</summary>
    public static int?[] ShapeOf(JsonNode? node, string what) =>
        node is JsonArray array ? [.. array.Select(e => e?.GetValue<int>())] : throw Bad(what, "is not a list");

    /// <summary>A required entry of a config, converted.</summary>
    public static T Get<T>(JsonObject config, string key, string owner)
    {
        JsonNode node = config[key] ?? throw Bad($"{owner}'s '{key}'", "is missing");
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Bad($"{owner}'s '{key}'", $"is not a {typeof(T).Name} ({node.ToJsonString()})");
        }
    }

    /// <summary>An optional entry of a config, converted, or <paramref name="fallback"/> when absent or null.</summary>
    public static T Optional<T>(JsonObject config, string key, T fallback) => config[key] is { } node ? node.GetValue<T>() : fallback;

    /// <summary>The Keras name of an activation function (<c>"relu"</c>); <c>"linear"</c> for the identity.</summary>
    /// <exception cref="NotSupportedException">For a function that is not one of Keras's activations.</exception>
    public static string ActivationName(Func<Tensor, Tensor> activation, string owner) =>
        Activations.NameOf(activation) ?? throw new NotSupportedException(
            $"{owner}: its activation ({activation.Method.Name}) is not one of Keras's named activations, so the layer cannot be written to a .keras file; give the activation by name.");

    /// <summary>An activation from a config: a name, or a serialized function object (<c>{"class_name": "function", "config": "relu"}</c>).</summary>
    public static string? ActivationOf(JsonNode? node) => node switch
    {
        null => null,
        JsonObject function => function["config"]?.GetValue<string>(),
        _ => node.GetValue<string>(),
    };

    /// <summary>A serialized initializer, as Keras 3 writes it (<c>GlorotUniform</c> with its <c>seed</c>...).</summary>
    /// <exception cref="NotSupportedException">For an initializer class Keras does not have.</exception>
    public static JsonObject Initializer(Initializer initializer, string owner)
    {
        JsonObject config = initializer switch
        {
            RandomNormal n => new JsonObject { ["mean"] = n.Mean, ["stddev"] = n.Stddev, ["seed"] = n.Seed },
            RandomUniform u => new JsonObject { ["minval"] = u.Minval, ["maxval"] = u.Maxval, ["seed"] = u.Seed },
            GlorotUniform or GlorotNormal or HeNormal or HeUniform or LecunNormal or LecunUniform => new JsonObject { ["seed"] = ((VarianceScaling)initializer).Seed },
            VarianceScaling v => new JsonObject { ["scale"] = v.Scale, ["mode"] = v.Mode, ["distribution"] = v.Distribution, ["seed"] = v.Seed },
            Orthogonal o => new JsonObject { ["gain"] = o.Gain, ["seed"] = o.Seed },
            Zeros or Ones => [],
            _ => throw new NotSupportedException($"{owner}: initializer {initializer.GetType().Name} cannot be written to a .keras file."),
        };
        return Object("keras.initializers", initializer.GetType().Name, config);
    }

    /// <summary>An initializer from a config: a name (<c>"zeros"</c>) or a serialized object.</summary>
    public static Initializer? InitializerOf(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject serialized)
        {
            return Initializers.Initializer.Get(node.GetValue<string>());
        }

        string className = Get<string>(serialized, "class_name", "initializer");
        JsonObject config = serialized["config"] as JsonObject ?? [];
        int? seed = config["seed"] is { } seedNode ? seedNode.GetValue<int>() : null;
        return className switch
        {
            "RandomNormal" => new RandomNormal(Optional(config, "mean", 0.0), Optional(config, "stddev", 0.05), seed),
            "RandomUniform" => new RandomUniform(Optional(config, "minval", -0.05), Optional(config, "maxval", 0.05), seed),
            "GlorotUniform" => new GlorotUniform(seed),
            "GlorotNormal" => new GlorotNormal(seed),
            "HeNormal" => new HeNormal(seed),
            "HeUniform" => new HeUniform(seed),
            "LecunNormal" => new LecunNormal(seed),
            "LecunUniform" => new LecunUniform(seed),
            "Orthogonal" or "OrthogonalInitializer" => new Orthogonal(Optional(config, "gain", 1.0), seed),
            "VarianceScaling" => new VarianceScaling(Optional(config, "scale", 1.0), Optional(config, "mode", "fan_in"),
                Optional(config, "distribution", "truncated_normal"), seed),
            _ => Initializers.Initializer.Get(className),
        };
    }

    /// <summary>A serialized regularizer (<c>L2</c> with its <c>l2</c>...), or null for none.</summary>
    /// <exception cref="NotSupportedException">For a regularizer class Keras does not have.</exception>
    public static JsonObject? Regularizer(Regularizer? regularizer, string owner) => regularizer switch
    {
        null => null,
        L1 l1 => Object("keras.regularizers", "L1", new JsonObject { ["l1"] = l1.Factor }),
        L2 l2 => Object("keras.regularizers", "L2", new JsonObject { ["l2"] = l2.Factor }),
        L1L2 both => Object("keras.regularizers", "L1L2", new JsonObject { ["l1"] = both.L1, ["l2"] = both.L2 }),
        _ => throw new NotSupportedException($"{owner}: regularizer {regularizer.GetType().Name} cannot be written to a .keras file."),
    };

    /// <summary>A regularizer from a config entry (a serialized object or null).</summary>
    public static Regularizer? RegularizerOf(JsonNode? node)
    {
        if (node is not JsonObject serialized)
        {
            return null;
        }

        JsonObject config = serialized["config"] as JsonObject ?? [];
        return Get<string>(serialized, "class_name", "regularizer") switch
        {
            "L1" => new L1(Optional(config, "l1", 0.01)),
            "L2" => new L2(Optional(config, "l2", 0.01)),
            "L1L2" => new L1L2(Optional(config, "l1", 0.0), Optional(config, "l2", 0.0)),
            string other => throw Bad("a regularizer", $"of class '{other}' is not one Nabla has (L1, L2, L1L2)"),
        };
    }

    /// <summary>An <see cref="InvalidDataException"/> about a config entry.</summary>
    public static InvalidDataException Bad(string what, string problem) => new($"Model config: {what} {problem}.");

    /// <summary>Parses JSON text into an object, as an <see cref="InvalidDataException"/> naming <paramref name="what"/> when it is not.</summary>
    public static JsonObject Parse(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{what} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what} is not valid JSON: {e.Message}", e);
        }
    }
}
