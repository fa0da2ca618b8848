namespace Nabla.Distributed;

/// <summary>
/// A <see cref="GradientTape"/> whose gradients are averaged over all workers (Horovod's
/// <c>hvd.DistributedGradientTape</c>): each worker computes the gradient of its own loss, and every worker gets the
/// mean, fused into buckets and compressed as the strategy's <see cref="CommunicationOptions"/> say. The gradients it
/// returns are marked, so an optimizer applying them inside the strategy's scope does not average them again.
/// Records from construction until <see cref="Dispose"/>, like the tape it wraps.
/// </summary>
public sealed class DistributedGradientTape : IDisposable
{
    private readonly MultiWorkerMirroredStrategy _strategy;

    /// <summary>Starts recording.</summary>
    /// <param name="strategy">The strategy whose workers average the gradients.</param>
    /// <param name="persistent">Whether <see cref="Gradient(Tensor, Tensor[])"/> may be called more than once.</param>
    /// <param name="watchAccessedVariables">Whether trainable variables read while recording are watched automatically.</param>
    public DistributedGradientTape(MultiWorkerMirroredStrategy strategy, bool persistent = false, bool watchAccessedVariables = true)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategy = strategy;
        Tape = new GradientTape(persistent, watchAccessedVariables);
    }

    /// <summary>The wrapped tape (its local, per-worker gradients).</summary>
    public GradientTape Tape { get; }

    /// <summary>Watches tensors, as <see cref="GradientTape.Watch(Tensor[])"/>.</summary>
    public void Watch(params Tensor[] tensors) => Tape.Watch(tensors);

    /// <summary>The gradient of <paramref name="target"/> with respect to <paramref name="source"/>, averaged over workers.</summary>
    public Tensor? Gradient(Tensor target, Tensor source) => Gradient(target, [source])[0];

    /// <summary>
    /// The gradients of <paramref name="target"/> with respect to <paramref name="sources"/>, averaged over workers;
    /// <c>null</c> where the target does not depend on a source (on this worker: every worker must agree).
    /// </summary>
    public Tensor?[] Gradient(Tensor target, params Tensor[] sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);

        // Overlapped: each bucket of gradients is all-reduced while the backward pass computes the rest.
        GradientReadyCallback? ready = _strategy.BeginOverlappedGradients(sources.Length, $"DistributedGradientTape: gradients of {sources.Length} sources");
        Tensor?[] local = Tape.Gradient([target], sources, gradientReady: ready);
        if (ready is not null)
        {
            Tensor?[] means = _strategy.FinishOverlappedGradients().Averaged;
            foreach (Tensor? mean in means)
            {
                if (mean is not null)
                {
                    MultiWorkerMirroredStrategy.MarkAveraged(mean);
                }
            }

            return means;
        }

        var present = new List<Tensor>(local.Length);
        foreach (Tensor? g in local)
        {
            if (g is not null)
            {
                present.Add(g);
            }
        }

        IReadOnlyList<Tensor> averaged = _strategy.AverageGradients(present, $"DistributedGradientTape: gradients of {present.Count} sources");
        var result = new Tensor?[local.Length];
        int next = 0;
        for (int i = 0; i < local.Length; i++)
        {
            if (local[i] is not null)
            {
                result[i] = averaged[next++];
                MultiWorkerMirroredStrategy.MarkAveraged(result[i]!);
            }
        }

        return result;
    }

    /// <summary>Stops recording.</summary>
    public void Dispose() => Tape.Dispose();
}
