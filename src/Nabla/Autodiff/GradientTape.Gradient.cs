namespace Nabla;

public sealed partial class GradientTape
{
    /// <summary>The gradient of <paramref name="target"/> (of its sum, if not a scalar) with respect to <paramref name="source"/>; null where it does not depend on it.</summary>
    public Tensor? Gradient(Tensor target, Tensor source) => Gradient([target], [source])[0];

    /// <summary>One gradient of <paramref name="target"/> per source, null for sources it does not depend on.</summary>
    public Tensor?[] Gradient(Tensor target, params Tensor[] sources) => Gradient([target], sources);

    /// <summary>
    /// The gradient of the sum of <paramref name="targets"/> (each weighted by its entry of
    /// <paramref name="outputGradients"/>, ones by default) with respect to each source, in order.
    /// </summary>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    /// <exception cref="ArgumentException">When output gradients don't match the targets in number or shape.</exception>
    public Tensor?[] Gradient(
        IReadOnlyList<Tensor> targets,
        IReadOnlyList<Tensor> sources,
        IReadOnlyList<Tensor?>? outputGradients = null,
        UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sources);
        if (outputGradients is not null && outputGradients.Count != targets.Count)
        {
            throw new ArgumentException(
                $"Got {outputGradients.Count} output gradients for {targets.Count} targets; give one per target.", nameof(outputGradients));
        }

        BeginGradient();
        try
        {
            return Backprop.Run(_entries, targets, sources, outputGradients, unconnectedGradients);
        }
        finally
        {
            EndGradient();
        }
    }

    /// <summary>
    /// Checks the one-use rule and stops a non-persistent tape, as TensorFlow does when <c>gradient</c> is
    /// called inside the <c>with</c> block. A persistent tape keeps recording, so its own gradient
    /// computation can be differentiated again (higher-order derivatives from one tape).
    /// </summary>
    private void BeginGradient()
    {
        if (_used && !Persistent)
        {
            throw new InvalidOperationException(
                "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians).");
        }

        _used = true;
        if (!Persistent)
        {
            TapeStack.Remove(this);
        }
    }

    /// <summary>A non-persistent tape lets go of what it saved, so intermediates can be collected.</summary>
    private void EndGradient()
    {
        if (!Persistent)
        {
            _entries = [];
            _tracked.Clear();
        }
    }
}
