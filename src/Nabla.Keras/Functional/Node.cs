using System.Text.Json.Nodes;

namespace Nabla.Keras;

/// <summary>
/// One call of a layer on Keras tensors (Keras's <c>Node</c>): the layer, the Keras tensors it was applied to, the
/// Keras tensors it made, and how to repeat the call on real tensors when the model runs. A layer applied twice has
/// two nodes and one set of weights.
/// </summary>
internal sealed class Node
{
    public Node(Layer layer, Tensor[] inputs, Func<IReadOnlyList<Tensor>, bool, Tensor[]> call)
    {
        Layer = layer;
        Inputs = inputs;
        Call = call;
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }

    /// <summary>The Keras tensors the layer was applied to (none for an <see cref="InputLayer"/>).</summary>
    public Tensor[] Inputs { get; }

    /// <summary>The Keras tensors the call made, in order.</summary>
    public Tensor[] Outputs { get; set; } = [];

    /// <summary>Repeats the call on real (or traced) tensors: (inputs, training) to outputs.</summary>
    public Func<IReadOnlyList<Tensor>, bool, Tensor[]> Call { get; }

    /// <summary>The node's position among its layer's nodes (the first index of Keras's <c>dense[0][0]</c>).</summary>
    public int IndexInLayer { get; set; }

    /// <summary>
    /// The call's options as Keras writes them in a node's <c>kwargs</c> (an attention layer's <c>use_causal_mask</c>,
    /// <c>return_attention_scores</c>); null for a call with none.
    /// </summary>
    public JsonObject? Kwargs { get; set; }

    /// <summary>Why this call cannot be written to a <c>.keras</c> config (a concrete tensor captured in it); null when it can.</summary>
    public string? Unsaveable { get; set; }

    /// <summary>Whether this is the node of an <see cref="InputLayer"/> (a model's input, computed by nothing).</summary>
    public bool IsInput => Layer is InputLayer;
}

/// <summary>Where a Keras tensor comes from (Keras's <c>_keras_history</c>): the node that made it and its position among the node's outputs.</summary>
internal sealed record KerasHistory(Node Node, int TensorIndex);
