using System.Text.Json.Nodes;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// A functional model's config as Keras 3 writes it (<c>functional_from_config</c>'s input): its layers, each with
/// <c>name</c> and <c>inbound_nodes</c>, a node's arguments being Keras tensors
/// (<c>{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer, node, tensor]}}</c>),
/// a list of them for a merge layer; then <c>input_layers</c> and <c>output_layers</c> as <c>[layer, node, tensor]</c>.
/// Loading replays the nodes in order, applying each rebuilt layer to the tensors its node names.
/// </summary>
internal static class FunctionalConfig
{
    public static JsonObject Config(Model model, FunctionalGraph graph)
    {
        var layers = new JsonArray();
        foreach (Layer layer in graph.Layers)
        {
            JsonObject entry = ModelConfig.LayerEntry(layer);
            entry["name"] = layer.Name;
            var nodes = new JsonArray();
            if (layer is not InputLayer)
            {
                foreach (Node node in NodesIn(graph, layer))
                {
                    if (node.Unsaveable is { } reason)
                    {
                        throw new NotSupportedException(reason);
                    }

                    JsonArray args = layer is MultiHeadAttention or Attention
                        ? AttentionNodes.Args(node, t => KerasTensor(graph, t))
                        : new JsonArray(node.Inputs.Length == 1 && layer is not (Merge or Concatenate or Dot)
                            ? KerasTensor(graph, node.Inputs[0])
                            : new JsonArray([.. node.Inputs.Select(t => (JsonNode)KerasTensor(graph, t))]));
                    nodes.Add((JsonNode)new JsonObject { ["args"] = args, ["kwargs"] = node.Kwargs?.DeepClone() ?? new JsonObject() });
                }
            }

            entry["inbound_nodes"] = nodes;
            layers.Add((JsonNode)entry);
        }

        return new JsonObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layers,
            ["input_layers"] = new JsonArray([.. graph.Inputs.Select(t => (JsonNode)History(graph, t))]),
            ["output_layers"] = new JsonArray([.. graph.Outputs.Select(t => (JsonNode)History(graph, t))]),
        };
    }

    public static Model FromConfig(JsonObject config)
    {
        JsonArray layers = config["layers"] as JsonArray ?? throw Bad("the functional model", "has no 'layers' list");
        var made = new Dictionary<string, Layer>(StringComparer.Ordinal);
        var outputs = new Dictionary<(string Layer, int Node), Tensor[]>();
        var pending = new List<(Layer Layer, JsonArray Nodes, int Next)>();
        foreach (JsonNode? item in layers)
        {
            JsonObject entry = item as JsonObject ?? throw Bad("the functional model", "lists a layer that is not an object");
            string name = Get<string>(entry, "name", "a functional layer");
            if (Get<string>(entry, "class_name", name) == "InputLayer")
            {
                JsonObject inputConfig = entry["config"] as JsonObject ?? throw Bad($"input layer {name}", "has no config");
                int?[] batchShape = ShapeOf(inputConfig["batch_shape"] ?? inputConfig["batch_input_shape"], $"input layer {name}'s batch_shape");
                Tensor input = Keras.Input(batchShape[1..], DTypeOf(inputConfig), name, batchShape[0]);
                made[name] = KerasTensors.HistoryOf(input, name).Node.Layer;
                outputs[(name, 0)] = [input];
                continue;
            }

            Layer layer = LayerFactories.Create(entry);
            made[name] = layer;
            pending.Add((layer, entry["inbound_nodes"] as JsonArray ?? [], 0));
        }

        // Replay nodes whose inputs exist, until all have run (Keras's process_node loop); a pass that makes no progress is a broken graph.
        bool progress = true;
        while (progress && pending.Any(p => p.Next < p.Nodes.Count))
        {
            progress = false;
            for (int i = 0; i < pending.Count; i++)
            {
                (Layer layer, JsonArray nodes, int next) = pending[i];
                while (next < nodes.Count && TryRun(layer, nodes[next] as JsonObject, next, outputs))
                {
                    next++;
                    progress = true;
                }

                pending[i] = (layer, nodes, next);
            }
        }

        if (pending.FirstOrDefault(p => p.Next < p.Nodes.Count) is { Layer: not null } stuck)
        {
            throw Bad($"the functional model's layer '{stuck.Layer.Name}'", $"has node {stuck.Next} whose inputs no layer makes");
        }

        Tensor[] inputs = [.. Tensors(config["input_layers"], outputs, "input_layers")];
        Tensor[] results = [.. Tensors(config["output_layers"], outputs, "output_layers")];
        return new Model(inputs, results, NameOf(config));
    }

    private static bool TryRun(Layer layer, JsonObject? node, int index, Dictionary<(string Layer, int Node), Tensor[]> outputs)
    {
        JsonArray args = node?["args"] as JsonArray ?? throw Bad($"layer '{layer.Name}'", "has a node without 'args'");
        JsonNode? first = args.Count > 0 ? args[0] : throw Bad($"layer '{layer.Name}'", "has a node without arguments");
        bool list = first is JsonArray;
        var inputs = new List<Tensor>();

        // One tensor, one list of tensors, or (a multi-head attention's query, value, key) several tensors.
        IEnumerable<JsonNode?> arguments = list ? (JsonArray)first! : args;
        foreach (JsonNode? tensor in arguments)
        {
            JsonArray history = tensor?["config"]?["keras_history"] as JsonArray ?? throw Bad($"layer '{layer.Name}'", "has an argument without keras_history");
            if (!outputs.TryGetValue((history[0]!.GetValue<string>(), history[1]!.GetValue<int>()), out Tensor[]? made))
            {
                return false;
            }

            inputs.Add(made[history[2]!.GetValue<int>()]);
        }

        outputs[(layer.Name, index)] = layer is MultiHeadAttention or Attention
            ? AttentionNodes.Replay(layer, inputs, node?["kwargs"] as JsonObject)
            : [list ? layer.Apply(inputs) : layer.Apply(inputs[0])];
        return true;
    }

    private static IEnumerable<Tensor> Tensors(JsonNode? node, Dictionary<(string Layer, int Node), Tensor[]> outputs, string what)
    {
        JsonArray list = node as JsonArray ?? throw Bad($"the functional model's {what}", "is missing");
        // One tensor may be written flat (["input", 0, 0]) rather than as a list of one.
        IEnumerable<JsonNode?> items = list.Count == 3 && list[0] is JsonValue ? [list] : list;
        foreach (JsonNode? item in items)
        {
            if (item is not JsonArray { Count: 3 } history
                || !outputs.TryGetValue((history[0]!.GetValue<string>(), history[1]!.GetValue<int>()), out Tensor[]? made))
            {
                throw Bad($"the functional model's {what}", $"names a tensor no layer makes ({item?.ToJsonString()})");
            }

            yield return made[history[2]!.GetValue<int>()];
        }
    }

    // The nodes of a layer that belong to this graph, in the order they were made (Keras's node indices within the model).
    private static List<Node> NodesIn(FunctionalGraph graph, Layer layer) => [.. KerasTensors.NodesOf(layer).Where(graph.AllNodes.Contains)];

    private static JsonArray History(FunctionalGraph graph, Tensor tensor)
    {
        KerasHistory history = KerasTensors.HistoryOf(tensor, "a functional model's tensor");
        int node = NodesIn(graph, history.Node.Layer).IndexOf(history.Node);
        return [history.Node.Layer.Name, Math.Max(node, 0), history.TensorIndex];
    }

    private static JsonObject KerasTensor(FunctionalGraph graph, Tensor tensor) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject
        {
            ["shape"] = Shape(tensor.Shape.ToNullableArray()),
            ["dtype"] = tensor.DType.Name,
            ["keras_history"] = History(graph, tensor),
        },
    };
}
