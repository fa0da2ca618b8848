namespace Nabla.Keras;

/// <summary>
/// The graph of layers of a functional model (Keras's <c>Functional._map_graph_network</c>): the nodes that lead
/// from the model's inputs to its outputs, each with its depth (0 for the nodes making outputs, one more than the
/// deepest consumer otherwise), run deepest first, and the layers in Keras's order (by depth, deepest first, then
/// in the order the walk back from the outputs met them).
/// </summary>
internal sealed class FunctionalGraph
{
    private readonly Dictionary<Tensor, int> _inputIndex = new(ReferenceEqualityComparer.Instance);

    private FunctionalGraph(Tensor[] inputs, Tensor[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The model's input Keras tensors.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>The model's output Keras tensors.</summary>
    public Tensor[] Outputs { get; }

    /// <summary>The nodes to run, deepest first (a topological order); inputs' nodes excluded.</summary>
    public Node[] Nodes { get; private set; } = [];

    /// <summary>All nodes of the model, input nodes included (for the summary's connections).</summary>
    public HashSet<Node> AllNodes { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The layers, in Keras's order: the input layers first.</summary>
    public Layer[] Layers { get; private set; } = [];

    /// <summary>The depth of each node.</summary>
    public Dictionary<Node, int> Depths { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Whether the graph is a plain chain (Keras's <c>sequential_like</c>, which prints a summary without the
    /// "Connected to" column): one node per depth, each with at most one input, and no layer called twice.
    /// </summary>
    public bool IsSequentialLike
    {
        get
        {
            var layers = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
            foreach (IGrouping<int, Node> level in AllNodes.GroupBy(n => Depths[n]))
            {
                if (level.Count() > 1 || level.First().Inputs.Length > 1 || !layers.Add(level.First().Layer))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Maps the graph from <paramref name="inputs"/> to <paramref name="outputs"/>, checking that every output is computable from the inputs.</summary>
    /// <exception cref="ArgumentException">When a tensor is not a Keras tensor, an input repeats, or the graph is disconnected.</exception>
    public static FunctionalGraph Map(string modelName, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || outputs.Count == 0)
        {
            throw new ArgumentException($"Model {modelName}: a functional model needs at least one input and one output, got {inputs.Count} and {outputs.Count}.");
        }

        var graph = new FunctionalGraph([.. inputs], [.. outputs]);
        for (int i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], nameof(inputs));
            KerasTensors.HistoryOf(inputs[i], $"Model {modelName} (input {i})");
            if (!graph._inputIndex.TryAdd(inputs[i], i))
            {
                throw new ArgumentException(
                    $"Model {modelName}: the list of inputs passed to the model contains the same input ({inputs[i]}) multiple times. " +
                    "All inputs should only appear once.", nameof(inputs));
            }
        }

        foreach (Tensor output in outputs)
        {
            ArgumentNullException.ThrowIfNull(output, nameof(outputs));
            KerasTensors.HistoryOf(output, $"Model {modelName} (outputs)");
        }

        graph.Walk(modelName);
        return graph;
    }

    /// <summary>Whether <paramref name="tensor"/> is one of the model's inputs.</summary>
    public bool IsInput(Tensor tensor) => _inputIndex.ContainsKey(tensor);

    /// <summary>
    /// Runs the graph on real (or traced) <paramref name="inputs"/>: each node calls its layer on the values of its
    /// input tensors, deepest first; returns the values of the outputs.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training)
    {
        var values = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Inputs.Length; i++)
        {
            values[Inputs[i]] = inputs[i];
        }

        foreach (Node node in Nodes)
        {
            var arguments = new Tensor[node.Inputs.Length];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = values[node.Inputs[i]];
            }

            Tensor[] results = node.Call(arguments, training);
            for (int i = 0; i < node.Outputs.Length; i++)
            {
                values[node.Outputs[i]] = results[i];
            }
        }

        var outputs = new Tensor[Outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = values[Outputs[i]];
        }

        return outputs;
    }

    // Keras's build_map: a depth-first walk back from the outputs that stops at the model's inputs; a node is listed
    // after the nodes it consumes, and a layer is numbered when the walk first meets it.
    private void Walk(string modelName)
    {
        var layerOrder = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        var inProgress = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var postOrder = new List<Node>();
        foreach (Tensor output in Outputs)
        {
            Visit(output, modelName, layerOrder, inProgress, postOrder);
        }

        // Depths: the reversed walk meets each consumer before the nodes it consumes; a shared layer's later nodes
        // are at least as deep as its earlier ones, as in Keras.
        var layerDepth = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        for (int i = postOrder.Count - 1; i >= 0; i--)
        {
            Node node = postOrder[i];
            int depth = Math.Max(Depths.TryGetValue(node, out int d) ? d : 0, layerDepth.TryGetValue(node.Layer, out int l) ? l : 0);
            Depths[node] = depth;
            layerDepth[node.Layer] = depth;
            if (!IsSource(node))
            {
                foreach (Tensor input in node.Inputs)
                {
                    Node parent = KerasTensors.HistoryOf(input, modelName).Node;
                    Depths[parent] = Math.Max(Depths.TryGetValue(parent, out int p) ? p : 0, depth + 1);
                }
            }
        }

        // An input that no output needs is still an input of the model (Keras lists it at depth 0).
        foreach (Tensor input in Inputs)
        {
            Node node = KerasTensors.HistoryOf(input, modelName).Node;
            if (AllNodes.Add(node))
            {
                Depths[node] = 0;
                layerDepth.TryAdd(node.Layer, 0);
                layerOrder.TryAdd(node.Layer, -1);
            }
        }

        Nodes = [.. postOrder.Where(n => !IsSource(n)).OrderByDescending(n => Depths[n])];
        Layers = [.. layerDepth.Keys.OrderByDescending(l => layerDepth[l]).ThenBy(l => layerOrder[l])];
    }

    // A node the model does not run: the one that made a model input.
    private bool IsSource(Node node) => node.Outputs.Any(IsInput);

    private void Visit(Tensor tensor, string modelName, Dictionary<Layer, int> layerOrder, HashSet<Node> inProgress, List<Node> postOrder)
    {
        Node node = KerasTensors.HistoryOf(tensor, modelName).Node;
        if (AllNodes.Contains(node))
        {
            return;
        }

        if (node.IsInput && !IsInput(tensor))
        {
            throw new ArgumentException(
                $"Model {modelName}: graph disconnected: cannot obtain value for tensor {tensor} at layer \"{node.Layer.Name}\". " +
                $"The following previous layers were accessed without issue: [{string.Join(", ", layerOrder.Keys.Select(l => $"'{l.Name}'"))}]. " +
                "Pass that input to the model's inputs.");
        }

        if (!inProgress.Add(node))
        {
            throw new ArgumentException($"Model {modelName}: the tensor {tensor} at layer \"{node.Layer.Name}\" is part of a cycle.");
        }

        layerOrder.TryAdd(node.Layer, layerOrder.Count);
        if (!IsSource(node))
        {
            foreach (Tensor input in node.Inputs)
            {
                Visit(input, modelName, layerOrder, inProgress, postOrder);
            }
        }

        inProgress.Remove(node);
        AllNodes.Add(node);
        postOrder.Add(node);
    }
}
