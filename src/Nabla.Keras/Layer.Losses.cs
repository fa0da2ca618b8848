using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

public abstract partial class Layer
{
    // How many Apply calls are running on this thread: the outermost one clears the call-time losses (Keras's call context).
    [ThreadStatic]
    private static int s_callDepth;

    // Losses made by functions, evaluated when Losses is read: weight penalties (AddWeight) and AddLoss(Func<Tensor>).
    private readonly List<Func<Tensor>> _callableLosses = [];

    // Losses produced during the last call: activity penalties and AddLoss(Tensor) (Keras's eager losses).
    private readonly List<Tensor> _callLosses = [];

    /// <summary>
    /// The penalty applied to the layer's outputs at each call (Keras's <c>activity_regularizer</c>); its value
    /// divided by the batch size (the outputs' first dimension), as tf.keras, joins <see cref="Losses"/>.
    /// </summary>
    public Regularizer? ActivityRegularizer { get; set; }

    /// <summary>
    /// The losses of this layer and its nested layers (Keras's <c>layer.losses</c>), each a scalar: for each layer
    /// (this one first, then nested layers depth first) the losses produced during the last outermost call
    /// (activity penalties, <see cref="AddLoss(Tensor)"/>), then the weight penalties and <see cref="AddLoss(Func{Tensor})"/>
    /// losses, computed from the current weights when this property is read, so reading it inside a recording
    /// <see cref="GradientTape"/> makes them differentiable.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var result = new List<Tensor>();
            CollectLosses(this, result, new HashSet<Layer>(ReferenceEqualityComparer.Instance));
            return result;
        }
    }

    /// <summary>
    /// Adds a loss computed by <paramref name="loss"/> each time <see cref="Losses"/> is read (Keras's
    /// <c>add_loss(callable)</c>): a penalty on the layer's weights that follows their current values.
    /// </summary>
    /// <param name="loss">A function returning a scalar tensor.</param>
    public void AddLoss(Func<Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _callableLosses.Add(loss);
    }

    /// <summary>
    /// Adds a loss tensor computed during <see cref="Call(Tensor, bool)"/> (Keras's <c>add_loss(tensor)</c>): it stays in
    /// <see cref="Losses"/> until the next outermost call of a layer holding this one.
    /// </summary>
    /// <param name="loss">A scalar tensor (a tensor of higher rank is summed, as Keras).</param>
    public void AddLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _callLosses.Add(loss.Rank == 0 ? Tf.Identity(loss) : Tf.ReduceSum(loss));
    }

    /// <summary>Clears the call-time losses of this layer and its nested layers (before a new outermost call).</summary>
    internal void ClearCallLosses() => ClearCallLosses(this, new HashSet<Layer>(ReferenceEqualityComparer.Instance));

    // Apply's body: build, call (the layer's Call, or call given by a subclass's own Apply), losses, output mask.
    private protected Tensor CallWithLosses(Tensor inputs, bool training, Tensor? mask, Func<Tensor?, Tensor>? call)
    {
        if (s_callDepth == 0)
        {
            ClearCallLosses();
        }

        mask ??= Backend.GetKerasMask(inputs);
        Tensor outputs;
        s_callDepth++;
        try
        {
            EnsureBuilt(inputs.Shape);
            outputs = call is null ? Call(inputs, mask, training) : call(mask);
        }
        finally
        {
            s_callDepth--;
        }

        if (ActivityRegularizer is { } regularizer)
        {
            int batch = outputs.Rank > 0 ? outputs.Shape[0] : 1;
            _callLosses.Add(Tf.Divide(regularizer.Call(outputs), batch));
        }

        AttachOutputMask(inputs, outputs, mask);
        return outputs;
    }

    private static void ClearCallLosses(Layer layer, HashSet<Layer> seen)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        layer._callLosses.Clear();
        foreach (Layer child in LayerTracker.DirectLayers(layer))
        {
            ClearCallLosses(child, seen);
        }
    }

    private static void CollectLosses(Layer layer, List<Tensor> result, HashSet<Layer> seen)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        result.AddRange(layer._callLosses);
        foreach (Func<Tensor> loss in layer._callableLosses)
        {
            Tensor value = loss();
            result.Add(value.Rank == 0 ? value : Tf.ReduceSum(value));
        }

        foreach (Layer child in LayerTracker.DirectLayers(layer))
        {
            CollectLosses(child, result, seen);
        }
    }
}
