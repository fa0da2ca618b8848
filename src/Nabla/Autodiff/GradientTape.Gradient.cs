namespace Nabla;

public sealed partial class GradientTape
{
    private const string NonPersistentMessage =
        "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians).";

    /// <summary>
    /// The gradient of <paramref name="target"/> (of its sum, if not a scalar) with respect to <paramref name="source"/>; null
    /// where it does not depend on it, or zeros of its shape with <see cref="UnconnectedGradients.Zero"/> (TensorFlow's
    /// <c>unconnected_gradients</c>). A third tensor would be a second source (<c>Gradient(y, a, b)</c>), so output
    /// gradients are given with a list of sources.
    /// </summary>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    public Tensor? Gradient(Tensor target, Tensor source, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (unconnectedGradients != UnconnectedGradients.None)
        {
            return Gradient([target], [source], null, unconnectedGradients)[0];
        }

        BeginGradient();
        try
        {
            using var backprop = new Backprop(this, source);
            return backprop.RunSingle(target);
        }
        finally
        {
            EndGradient();
        }
    }

    /// <summary>One gradient of <paramref name="target"/> per source, null for sources it does not depend on.</summary>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    public Tensor?[] Gradient(Tensor target, params Tensor[] sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Gradient([target], sources);
    }

    /// <summary>
    /// The gradient of the sum of <paramref name="targets"/> (each weighted by its entry of
    /// <paramref name="outputGradients"/>, ones by default) with respect to each source, in order. A source may
    /// appear several times; integer targets and sources have no gradient (null). Called on a persistent tape
    /// that is still recording, the gradient computation is itself recorded, so it can be differentiated again.
    /// </summary>
    /// <param name="targets">The targets.</param>
    /// <param name="sources">The tensors and variables to differentiate with respect to.</param>
    /// <param name="outputGradients">The weight of each target (ones when null or for a null entry).</param>
    /// <param name="unconnectedGradients">What a source the targets do not depend on gets: null, or zeros.</param>
    /// <param name="gradientReady">
    /// Told each source's gradient during the backward pass, as soon as it is final (<see cref="GradientReadyCallback"/>):
    /// data-parallel training starts averaging it across workers while the pass goes on. Costs nothing when null.
    /// </param>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    /// <exception cref="ArgumentException">When output gradients don't match the targets in number, shape or dtype, or <paramref name="unconnectedGradients"/> is unknown.</exception>
    public Tensor?[] Gradient(
        IReadOnlyList<Tensor> targets,
        IReadOnlyList<Tensor> sources,
        IReadOnlyList<Tensor?>? outputGradients = null,
        UnconnectedGradients unconnectedGradients = UnconnectedGradients.None,
        GradientReadyCallback? gradientReady = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sources);
        CheckUnconnected(unconnectedGradients);
        for (int i = 0; i < targets.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(targets[i], nameof(targets));
        }

        if (outputGradients is not null && outputGradients.Count != targets.Count)
        {
            throw new ArgumentException(
                $"Got {outputGradients.Count} output gradients for {targets.Count} targets; give one per target.", nameof(outputGradients));
        }

        BeginGradient();
        try
        {
            using var backprop = new Backprop(this, sources);
            return backprop.Run(targets, outputGradients, unconnectedGradients, gradientReady);
        }
        finally
        {
            EndGradient();
        }
    }

    private static void CheckUnconnected(UnconnectedGradients value)
    {
        if (value is not (UnconnectedGradients.None or UnconnectedGradients.Zero))
        {
            throw new ArgumentException(
                $"Unknown value for unconnected_gradients: '{value}' (the unconnectedGradients argument).");
        }
    }

    /// <summary>Throws when a non-persistent tape has already been used.</summary>
    private void CheckUsable()
    {
        if (_used && !Persistent)
        {
            throw new InvalidOperationException(NonPersistentMessage);
        }
    }

    /// <summary>
    /// Checks the one-use rule and stops a non-persistent tape, as TensorFlow does when <c>gradient</c> is
    /// called inside the <c>with</c> block. A persistent tape keeps recording, so its own gradient
    /// computation can be differentiated again (higher-order derivatives from one tape).
    /// </summary>
    private void BeginGradient()
    {
        // Checked and set at once: two flows racing on a non-persistent tape get one gradient and one error,
        // never two walks over an entry array that the first to finish hands on (EndGradient).
        bool fast = Enter();
        try
        {
            CheckUsable();
            _used = true;
        }
        finally
        {
            Exit(fast);
        }

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
            // Watched tensors are let go; watched variables stay listed (WatchedVariables) until Reset.
            Recording finished;
            bool fast = Enter();
            try
            {
                finished = _recording;
                _recording = new();
                _watched.RemoveNonVariables();
            }
            finally
            {
                Exit(fast);
            }

            // Nothing appends to the old recording any more (appends read _recording inside Enter/Exit) and the
            // backprop is over, so its entry array can serve the next tape of this thread.
            finished.Release();
        }
    }
}
