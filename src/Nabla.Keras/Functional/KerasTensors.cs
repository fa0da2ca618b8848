using System.Runtime.CompilerServices;

namespace Nabla.Keras;

/// <summary>
/// Keras tensors: the symbolic tensors of the functional API. Each is a placeholder of a small graph of its own
/// (a <see cref="FuncGraph"/>, so it is a <see cref="Tensor"/> with a possibly partial shape and no values), and a
/// table keyed by the tensor's identity remembers which layer call made it (Keras keeps that in the tensor's
/// <c>_keras_history</c> attribute; tensors here are immutable).
/// </summary>
internal static class KerasTensors
{
    private static readonly ConditionalWeakTable<Tensor, KerasHistory> s_history = new();

    // The nodes of each layer, in call order (Keras's layer._inbound_nodes), held as long as the layer lives.
    private static readonly ConditionalWeakTable<Layer, List<Node>> s_nodes = new();

    /// <summary>Whether <paramref name="tensor"/> is a Keras tensor (made by <see cref="Keras.Input"/> or a layer applied to one).</summary>
    public static bool IsKerasTensor(Tensor tensor) => s_history.TryGetValue(tensor, out _);

    /// <summary>Whether any of <paramref name="tensors"/> is a Keras tensor.</summary>
    public static bool AnyKerasTensor(IReadOnlyList<Tensor> tensors)
    {
        foreach (Tensor t in tensors)
        {
            if (t is not null && IsKerasTensor(t))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The history of a Keras tensor.</summary>
    /// <exception cref="ArgumentException">When <paramref name="tensor"/> is not a Keras tensor.</exception>
    public static KerasHistory HistoryOf(Tensor tensor, string what) =>
        s_history.TryGetValue(tensor, out KerasHistory? history)
            ? history
            : throw new ArgumentException(
                $"{what}: a tensor of shape {tensor.Shape} ({tensor.DType}) is not a Keras tensor. A functional model is built from " +
                "Keras tensors only: the outputs of Keras.Input and of layers applied to them.");

    /// <summary>The nodes of <paramref name="layer"/> so far, in call order.</summary>
    public static IReadOnlyList<Node> NodesOf(Layer layer) => s_nodes.TryGetValue(layer, out List<Node>? nodes) ? nodes : [];

    /// <summary>Makes the Keras tensors of a finished node (one per spec), records the node with its layer and returns them.</summary>
    public static Tensor[] MakeOutputs(Node node, IReadOnlyList<TensorSpec> specs)
    {
        var outputs = new Tensor[specs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            string name = i == 0 ? node.Layer.Name : $"{node.Layer.Name}_{i}";
            var graph = new FuncGraph(name);
            outputs[i] = graph.Placeholder(new TensorSpec(specs[i].Shape, specs[i].DType, name), name);
            s_history.Add(outputs[i], new KerasHistory(node, i));
        }

        node.Outputs = outputs;
        List<Node> nodes = s_nodes.GetValue(node.Layer, static _ => []);
        lock (nodes)
        {
            node.IndexInLayer = nodes.Count;
            nodes.Add(node);
        }

        return outputs;
    }
}
