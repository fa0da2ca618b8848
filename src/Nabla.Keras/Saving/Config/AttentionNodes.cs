using System.Text.Json.Nodes;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// The functional nodes of the attention layers, whose calls carry more than tensors: Keras writes
/// <c>mha(query, value, key)</c> with its tensors as positional <c>args</c>, <c>attention([query, value])</c> with one
/// list, and both with <c>kwargs</c> such as <c>{"use_causal_mask": true, "return_attention_scores": true}</c>.
/// </summary>
internal static class AttentionNodes
{
    /// <summary>The node's <c>kwargs</c> for these call options: only those given (not at their defaults); null for none.</summary>
    public static JsonObject? Kwargs(bool useCausalMask, bool returnScores)
    {
        if (!useCausalMask && !returnScores)
        {
            return null;
        }

        var kwargs = new JsonObject();
        if (useCausalMask)
        {
            kwargs["use_causal_mask"] = true;
        }

        if (returnScores)
        {
            kwargs["return_attention_scores"] = true;
        }

        return kwargs;
    }

    /// <summary>
    /// Records a multi-head attention call on its node: savable when its Keras tensors are the query, the value and
    /// perhaps the key, in that order, and nothing else was given (an attention mask or a concrete tensor is captured by
    /// the call, and a config has no place for it).
    /// </summary>
    /// <param name="node">The call's node.</param>
    /// <param name="symbolicPositions">Which of (query, value, key, attention mask) the node's inputs are.</param>
    /// <param name="given">How many of the four were given at all.</param>
    /// <param name="useCausalMask">The call's causal-mask option.</param>
    /// <param name="returnScores">Whether the call returns the scores too.</param>
    public static void Describe(Node node, List<int> symbolicPositions, int given, bool useCausalMask, bool returnScores)
    {
        bool positional = symbolicPositions.Count == given && !symbolicPositions.Contains(3);
        for (int i = 0; positional && i < symbolicPositions.Count; i++)
        {
            positional = symbolicPositions[i] == i;
        }

        node.Kwargs = Kwargs(useCausalMask, returnScores);
        node.Unsaveable = positional ? null
            : $"MultiHeadAttention {node.Layer.Name} cannot be saved in a .keras file: it was called with an attention mask or a concrete tensor, " +
              "which its config cannot hold; pass masks through the inputs (Embedding with maskZero, Masking) instead.";
    }

    /// <summary>The node's <c>args</c>: a multi-head attention's tensors one by one, an attention layer's as one list.</summary>
    public static JsonArray Args(Node node, Func<Tensor, JsonObject> kerasTensor) => node.Layer is MultiHeadAttention
        ? [.. node.Inputs.Select(t => (JsonNode)kerasTensor(t))]
        : [new JsonArray([.. node.Inputs.Select(t => (JsonNode)kerasTensor(t))])];

    /// <summary>Repeats a saved call of <paramref name="layer"/> on <paramref name="inputs"/> with the node's <c>kwargs</c>.</summary>
    public static Tensor[] Replay(Layer layer, List<Tensor> inputs, JsonObject? kwargs)
    {
        bool causal = kwargs?["use_causal_mask"]?.GetValue<bool>() ?? false;
        bool scores = kwargs?["return_attention_scores"]?.GetValue<bool>() ?? false;
        if (layer is MultiHeadAttention mha)
        {
            if (inputs.Count is < 2 or > 3)
            {
                throw KerasConfig.Bad($"MultiHeadAttention {layer.Name}'s node", $"has {inputs.Count} tensors (query, value and perhaps key expected)");
            }

            Tensor? key = inputs.Count == 3 ? inputs[2] : null;
            if (!scores)
            {
                return [mha.Apply(inputs[0], inputs[1], key, useCausalMask: causal)];
            }

            (Tensor output, Tensor weights) = mha.ApplyWithScores(inputs[0], inputs[1], key, useCausalMask: causal);
            return [output, weights];
        }

        var attention = (Attention)layer;
        if (!scores)
        {
            return [attention.Apply(inputs, useCausalMask: causal)];
        }

        (Tensor attended, Tensor attentionScores) = attention.ApplyWithScores(inputs, useCausalMask: causal);
        return [attended, attentionScores];
    }
}
