using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// Runs an ONNX graph's nodes in their (topological) order on Nabla tensors. In a traced function, a node whose
/// inputs are all known values (initializers that are not variables, constants, static shapes) runs eagerly under
/// <see cref="Tf.InitScope"/>, so the shape arithmetic that exporters write (Shape → Gather → Concat → Reshape)
/// stays known and the ops that need host values (Reshape's shape, Slice's starts) can read it. A subgraph (If's
/// branches, Loop's body) runs in a child runner that sees its parents' values by name. A value is a
/// <see cref="Tensor"/>, an <see cref="OnnxSequence"/> or an <see cref="OnnxOptional"/>; a sequence or optional is known
/// when every tensor in it is.
/// </summary>
internal sealed class GraphRunner
{
    private readonly GraphProto _graph;
    private readonly IReadOnlyDictionary<string, Tensor> _initializers;
    private readonly int _opset;
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly GraphRunner? _parent;

    public GraphRunner(GraphProto graph, IReadOnlyDictionary<string, Tensor> initializers, int opset, GraphRunner? parent = null)
    {
        _graph = graph;
        _initializers = initializers;
        _opset = opset;
        _parent = parent;
    }

    /// <summary>Runs <paramref name="graph"/>, a subgraph of one of this graph's nodes, in a child scope.</summary>
    private object[] RunSubgraph(GraphProto graph, object[] inputs)
    {
        if (inputs.Length != graph.Input.Count)
        {
            throw new ArgumentException($"The ONNX subgraph '{graph.Name}' takes {graph.Input.Count} inputs, got {inputs.Length}.");
        }

        var initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorProto t in graph.Initializer)
        {
            initializers[t.Name] = OnnxTensors.ToTensor(t);
        }

        return new GraphRunner(graph, initializers, _opset, this).Run([.. graph.Input.Select(i => i.Name)], inputs, [.. graph.Output.Select(o => o.Name)]);
    }

    private bool TryGetValue(string name, out object? value, out bool known)
    {
        if (_values.TryGetValue(name, out value))
        {
            known = _known.Contains(name);
            return true;
        }

        if (_parent is not null)
        {
            return _parent.TryGetValue(name, out value, out known);
        }

        known = false;
        return false;
    }

    public object[] Run(IReadOnlyList<string> inputNames, object[] inputs, IReadOnlyList<string> outputNames)
    {
        foreach ((string name, Tensor value) in _initializers)
        {
            Set(name, value);
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            Set(inputNames[i], inputs[i]);
        }

        foreach (NodeProto node in _graph.Node)
        {
            RunNode(node);
        }

        var outputs = new object[outputNames.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = TryGetValue(outputNames[i], out object? t, out _)
                ? t!
                : throw new InvalidDataException($"The ONNX graph's output '{outputNames[i]}' is computed by no node.");
        }

        return outputs;
    }

    private void Set(string name, object value)
    {
        _values[name] = value;
        if (IsKnown(value))
        {
            _known.Add(name);
        }
        else
        {
            _known.Remove(name);
        }
    }

    private void RunNode(NodeProto node)
    {
        var inputs = new object?[node.Input.Count];
        bool allKnown = true;
        for (int i = 0; i < inputs.Length; i++)
        {
            string name = node.Input[i];
            if (name.Length == 0)
            {
                continue;
            }

            inputs[i] = TryGetValue(name, out object? t, out bool known)
                ? t
                : throw new InvalidDataException($"ONNX node {node.OpType} '{node.Name}' reads '{name}', which no earlier node or input defines.");
            allKnown &= known;
        }

        OnnxOperators.TryGet(OnnxOperators.Key(node)!, out Func<NodeContext, object[]> run);
        var context = new NodeContext(node, inputs, _opset, RunSubgraph);
        object[] outputs;
        // A node with subgraphs may read values of the enclosing graphs that are not known: it runs in the trace.
        if (allKnown && !Tf.ExecutingEagerly() && !IsRandom(node.OpType) && !node.Attribute.Any(a => a.G is not null))
        {
            using (Tf.InitScope())
            {
                outputs = run(context);
            }
        }
        else
        {
            outputs = run(context);
        }

        for (int i = 0; i < node.Output.Count && i < outputs.Length; i++)
        {
            if (node.Output[i].Length > 0)
            {
                Set(node.Output[i], outputs[i]);
            }
        }

        if (outputs.Length < node.Output.Count(o => o.Length > 0))
        {
            throw new NotSupportedException($"{context.What}: only its first {outputs.Length} output(s) are supported.");
        }
    }

    private static bool IsKnown(object value) => value switch
    {
        Tensor t => !t.IsSymbolic && t is not Variable,
        OnnxSequence s => s.All(IsKnown),
        OnnxOptional o => o.Value is null || IsKnown(o.Value),
        _ => false,
    };

    private static bool IsRandom(string opType) => opType.StartsWith("Random", StringComparison.Ordinal) || opType is "Bernoulli" or "Dropout";
}
