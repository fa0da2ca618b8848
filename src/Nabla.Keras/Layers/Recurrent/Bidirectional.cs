using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Runs a recurrent layer over the sequence forwards and a copy of it backwards and merges the two outputs
/// (Keras's <c>Bidirectional</c>): <c>concat</c> (the default, along the last axis), <c>sum</c>, <c>mul</c>, <c>ave</c>,
/// or <c>null</c> for both outputs (<see cref="ApplyWithStates"/>). The backward layer's output sequence is reversed
/// back into time order before merging. Like Keras, the layer makes two new layers from the given one's
/// configuration, <c>forward_{name}</c> and <c>backward_{name}</c> (weights in that order); with returned sequences,
/// their masked steps output zeros.
/// </summary>
public class Bidirectional : Layer
{
    private readonly RecurrentLayer _forward;
    private readonly RecurrentLayer _backward;

    /// <summary>Creates the layer.</summary>
    /// <param name="layer">The recurrent layer whose configuration both directions copy.</param>
    /// <param name="mergeMode"><c>"concat"</c>, <c>"sum"</c>, <c>"mul"</c>, <c>"ave"</c>, or <c>null</c> (no merge).</param>
    /// <param name="backwardLayer">A layer to use as is for the backward direction (its <c>goBackwards</c> must differ from <paramref name="layer"/>'s).</param>
    /// <param name="inputShape">The shape of one sample, (time, features).</param>
    /// <param name="name">The layer's name; <c>bidirectional</c>... by default.</param>
    public Bidirectional(RecurrentLayer layer, string? mergeMode = "concat", RecurrentLayer? backwardLayer = null, int[]? inputShape = null,
        string? name = null)
        : base(name, inputShape, layer?.DType)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (mergeMode is not (null or "concat" or "sum" or "mul" or "ave"))
        {
            throw new ArgumentException(
                $"Bidirectional: invalid merge mode. Received: {mergeMode}. Merge mode should be one of \"sum\", \"mul\", \"ave\", \"concat\", null.",
                nameof(mergeMode));
        }

        _forward = layer.CloneWith($"forward_{RemovePrefix(layer.Name, "forward_")}", layer.GoBackwards);
        _backward = backwardLayer ?? layer.CloneWith($"backward_{RemovePrefix(layer.Name, "backward_")}", !layer.GoBackwards);
        if (_forward.GoBackwards == _backward.GoBackwards)
        {
            throw new ArgumentException(
                $"Bidirectional: forward layer and backward layer should have different `goBackwards` values, got {_forward.GoBackwards} for both.",
                nameof(backwardLayer));
        }

        if (_forward.Stateful != _backward.Stateful || _forward.ReturnSequences != _backward.ReturnSequences
            || _forward.ReturnState != _backward.ReturnState)
        {
            throw new ArgumentException(
                "Bidirectional: forward layer and backward layer are expected to have the same values for stateful, returnSequences and returnState.",
                nameof(backwardLayer));
        }

        _forward.ZeroOutputForMask = _forward.ReturnSequences;
        _backward.ZeroOutputForMask = _backward.ReturnSequences;
        MergeMode = mergeMode;
        SupportsMasking = true;
        BuildFromInputShape();
    }

    /// <summary>How the two outputs are merged; <c>null</c> when both are returned.</summary>
    public string? MergeMode { get; }

    /// <summary>The forward-direction layer.</summary>
    public RecurrentLayer ForwardLayer => _forward;

    /// <summary>The backward-direction layer.</summary>
    public RecurrentLayer BackwardLayer => _backward;

    /// <summary>Whether the output is the whole sequence.</summary>
    public bool ReturnSequences => _forward.ReturnSequences;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        _forward.EnsureBuilt(inputShape);
        _backward.EnsureBuilt(inputShape);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        if (MergeMode is null)
        {
            throw new InvalidOperationException(
                $"Bidirectional {Name}: with merge mode null the layer has two outputs (forward, backward); call ApplyWithStates.");
        }

        return Run(inputs, null, mask, training)[0];
    }

    /// <summary>With returned sequences, the input mask; otherwise none.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <summary>
    /// Applies the layer and returns what Keras returns with <c>return_state=True</c>: the merged output (or, with
    /// merge mode null, the forward then the backward output), then the forward layer's final states, then the
    /// backward layer's.
    /// </summary>
    /// <param name="inputs">(batch, time, features).</param>
    /// <param name="initialState">The forward layer's initial states followed by the backward layer's; zeros when null.</param>
    /// <param name="training">Whether the call is for training.</param>
    /// <param name="mask">(batch, time) bool; by default the mask attached to <paramref name="inputs"/>.</param>
    public Tensor[] ApplyWithStates(Tensor inputs, IReadOnlyList<Tensor>? initialState = null, bool training = false, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        mask ??= Backend.GetKerasMask(inputs);
        inputs = CastInputs(inputs);
        Tensor[] all = [];
        CallWithLosses(inputs, training, mask, m =>
        {
            all = Run(inputs, initialState, m, training);
            return all[0];
        });
        return all;
    }

    private Tensor[] Run(Tensor inputs, IReadOnlyList<Tensor>? initialState, Tensor? mask, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor[]? forwardState = null, backwardState = null;
        if (initialState is not null)
        {
            if (initialState.Count != _forward.StateCount + _backward.StateCount)
            {
                throw new ArgumentException(
                    $"Bidirectional {Name}: expected {_forward.StateCount + _backward.StateCount} initial states (forward then backward), " +
                    $"got {initialState.Count}.", nameof(initialState));
            }

            forwardState = [.. initialState.Take(_forward.StateCount)];
            backwardState = [.. initialState.Skip(_forward.StateCount)];
        }

        Tensor[] forward = _forward.ApplyWithStates(inputs, forwardState, training, mask);
        Tensor[] backward = _backward.ApplyWithStates(inputs, backwardState, training, mask);
        Tensor y = forward[0], yReversed = backward[0];
        if (ReturnSequences)
        {
            yReversed = Tf.Reverse(yReversed, [1]);
        }

        Tensor[] outputs = MergeMode switch
        {
            "concat" => [Tf.Concat([y, yReversed], -1)],
            "sum" => [Tf.Add(y, yReversed)],
            "ave" => [Tf.Divide(Tf.Add(y, yReversed), 2)],
            "mul" => [Tf.Multiply(y, yReversed)],
            _ => [y, yReversed],
        };
        return [.. outputs, .. forward[1..], .. backward[1..]];
    }

    private static string RemovePrefix(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;

    /// <summary>Keras's config: <c>merge_mode</c>, and both directions serialized (<c>layer</c> is the forward one, named <c>forward_...</c>).</summary>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["merge_mode"] = MergeMode;
        config["layer"] = ModelConfig.LayerEntry(_forward);
        config["backward_layer"] = ModelConfig.LayerEntry(_backward);
        return config;
    }
}
