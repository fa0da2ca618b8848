namespace Nabla.Keras.Distribute;

/// <summary>
/// What Keras asks of a data-parallel distribution strategy (Keras's view of <c>tf.distribute.Strategy</c>): the
/// extension point through which <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>, the optimizers and
/// <see cref="Layer.AddWeight"/> consult a strategy such as Nabla.Distributed's <c>MultiWorkerMirroredStrategy</c>.
/// A strategy applies to a model created inside its scope (<see cref="Distribution.Enter"/>; the model keeps it as
/// <see cref="Model.DistributeStrategy"/>), and to everything run while its scope is entered. Every worker runs the
/// same program, so every call below happens on every worker at the same point: implementations may run
/// collectives in any of them.
/// </summary>
public interface IDistributionStrategy
{
    /// <summary>The number of workers that train together (Keras's <c>num_replicas_in_sync</c>).</summary>
    int NumReplicasInSync { get; }

    /// <summary>This worker's index; worker 0 is the chief, which alone prints progress and writes checkpoints.</summary>
    int WorkerIndex { get; }

    /// <summary>
    /// Gives every worker the chief's values of <paramref name="variables"/> (the same list, in the same order, on every
    /// worker). Called for each weight <see cref="Layer.AddWeight"/> creates in scope, for all of a model's variables
    /// when <c>Fit</c> starts, and for its non-trainable variables (statistics that layers update from their own
    /// batches) after each epoch.
    /// </summary>
    /// <param name="variables">The variables.</param>
    void SynchronizeVariables(IReadOnlyList<Variable> variables);

    /// <summary>
    /// When <c>Fit</c> starts: checks that every worker trains on as many samples with the same global batch size, and
    /// returns the chief's shuffling seed, so that every worker draws the same global batches.
    /// </summary>
    /// <param name="samples">The number of training samples on this worker (all of them, not a shard).</param>
    /// <param name="batchSize">The global batch size.</param>
    /// <param name="seed">This worker's shuffling seed.</param>
    int SynchronizeFit(int samples, int batchSize, int seed);

    /// <summary>
    /// This worker's rows of <paramref name="batch"/>, a global batch (or data set) along the first axis. For
    /// training (<paramref name="training"/>) every worker gets the same number of rows, so that the mean of the
    /// workers' gradients is the gradient of the global batch; otherwise the shards may differ by one row. A shard may
    /// be empty: then the worker computes nothing for it but takes part in the collectives.
    /// </summary>
    Tensor ShardBatch(Tensor batch, bool training);

    /// <summary>Every worker's <paramref name="shard"/> of predictions, concatenated along the first axis in worker order.</summary>
    Tensor GatherBatches(Tensor shard);

    /// <summary>
    /// The gradients an optimizer applies, from this worker's: the mean over workers (called by
    /// <c>Optimizer.ApplyGradients</c> before clipping, so clipping sees the global gradient). Gradients that are
    /// <c>null</c> stay <c>null</c>; the list is in <paramref name="variables"/>' order, the same on every worker.
    /// </summary>
    IReadOnlyList<Tensor?> AggregateGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables);

    /// <summary>
    /// Called by a training step just before its backward pass: a callback that <c>Fit</c> passes to
    /// <see cref="GradientTape.Gradient(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, UnconnectedGradients, GradientReadyCallback)"/>
    /// for the gradients of <paramref name="variables"/>, so the strategy can start averaging each gradient while the
    /// backward pass still runs; <see cref="AggregateGradients"/> then completes the exchange. Null (the default) when
    /// the strategy averages only in <see cref="AggregateGradients"/>.
    /// </summary>
    /// <param name="variables">The sources of the backward pass, in order (the same on every worker).</param>
    GradientReadyCallback? GradientReadyHook(IReadOnlyList<Variable> variables) => null;

    /// <summary>
    /// The logs of all workers from this worker's: each value is a mean over this worker's <paramref name="samples"/>
    /// samples, and the result is the mean over all workers' samples (the same on every worker).
    /// </summary>
    Dictionary<string, double> AggregateLogs(IReadOnlyDictionary<string, double> logs, double samples);
}
