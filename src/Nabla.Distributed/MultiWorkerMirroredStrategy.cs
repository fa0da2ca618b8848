using System.Runtime.CompilerServices;
using Nabla.Distributed.Collectives;
using Nabla.Distributed.Native;
using Nabla.Keras.Distribute;

namespace Nabla.Distributed;

/// <summary>
/// Synchronous data-parallel training across processes (TensorFlow's <c>tf.distribute.MultiWorkerMirroredStrategy</c>),
/// on MPI: one worker per process started by <c>mpirun -np N dotnet App.dll</c> (or a hostfile, or Slurm's
/// <c>srun</c>); a plain <c>dotnet</c> run is one worker and loads no MPI. Models created inside <see cref="Scope"/>
/// start from the chief's (worker 0's) initial values, and their <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> split
/// every global batch across the workers and average the gradients before each optimizer step, so the weights stay
/// identical on every worker. Custom loops use <see cref="Run{T}"/>, <see cref="Reduce"/>, <see cref="AllReduce(Tensor, ReduceOp)"/>,
/// <see cref="Broadcast(Tensor, int)"/>, <see cref="AllGather"/> and <see cref="DistributedGradientTape"/>. Every
/// worker must make the same calls in the same order; a worker that differs, fails or hangs stops the others with an
/// error (docs/DISTRIBUTED.md).
/// </summary>
public sealed partial class MultiWorkerMirroredStrategy : IDistributionStrategy, IDisposable
{
    // Gradients a DistributedGradientTape has already averaged: Optimizer.ApplyGradients does not average them again.
    private static readonly ConditionalWeakTable<Tensor, object> s_averaged = [];
    private readonly Collectives.Collectives _collectives;
    private readonly FusedAllReduce _fused;
    private readonly OverlappedGradients _overlapped;
    private bool _disposed;

    /// <summary>Joins the job this process was launched in (initialising MPI once per process), or runs as one worker.</summary>
    /// <param name="communicationOptions">Bucket size, collective timeout and gradient compression.</param>
    /// <exception cref="ArgumentException">When an option is out of range.</exception>
    /// <exception cref="DllNotFoundException">When the process was started by an MPI launcher but Open MPI does not load.</exception>
    public MultiWorkerMirroredStrategy(CommunicationOptions? communicationOptions = null)
    {
        Options = communicationOptions ?? new CommunicationOptions();
        if (Options.BytesPerPack <= 0 || Options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"MultiWorkerMirroredStrategy: BytesPerPack and Timeout must be positive, got {Options.BytesPerPack} and {Options.Timeout}.",
                nameof(communicationOptions));
        }

        Collectives.Collectives collectives =
            MpiWorld.IsLaunched ? new MpiCollectives(MpiWorld.Get(), Options.Timeout) : SingleProcessCollectives.Instance;

        MpiForBenchmarks = collectives as MpiCollectives;

        // The overlapped exchange calls the collectives directly, from its thread; everything else waits for it first.
        _overlapped = new OverlappedGradients(collectives, Options);
        _collectives = new AfterOverlappedGradients(collectives, _overlapped);
        _fused = new FusedAllReduce(_collectives, Options);
    }

    /// <summary>The communication options.</summary>
    public CommunicationOptions Options { get; }

    /// <summary>This worker's index, its MPI rank; 0 is the chief.</summary>
    public int WorkerIndex => _collectives.Rank;

    /// <summary>The number of workers (TensorFlow's <c>num_replicas_in_sync</c>).</summary>
    public int NumReplicasInSync => _collectives.Size;

    /// <summary>Whether this is the chief (worker 0), which prints progress and writes checkpoints.</summary>
    public bool IsChief => WorkerIndex == 0;

    /// <summary>
    /// Makes this strategy current until disposed (TensorFlow's <c>with strategy.scope():</c>): models created inside
    /// keep it, weights created inside start from the chief's values, and optimizers average gradients across workers.
    /// </summary>
    public IDisposable Scope()
    {
        ThrowIfDisposed();
        return Distribution.Enter(this);
    }

    /// <summary>Runs <paramref name="function"/> as this worker's replica, inside <see cref="Scope"/> (TensorFlow's <c>strategy.run</c>).</summary>
    public T Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        using IDisposable scope = Scope();
        return function();
    }

    /// <summary>Runs <paramref name="action"/> as this worker's replica, inside <see cref="Scope"/>.</summary>
    public void Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using IDisposable scope = Scope();
        action();
    }

    /// <summary>
    /// Combines every worker's <paramref name="value"/> (TensorFlow's <c>strategy.reduce</c>): the sum or mean over
    /// workers; with <paramref name="axis"/>, also over that axis of each worker's tensor (the mean then counts every
    /// element along it, on every worker).
    /// </summary>
    public Tensor Reduce(ReduceOp reduceOp, Tensor value, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (axis is not int a)
        {
            return AllReduce(value, reduceOp);
        }

        int normalized = a < 0 ? a + value.Rank : a;
        if (normalized < 0 || normalized >= value.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), a, $"Reduce: axis {a} is out of range for a tensor of shape {value.Shape}.");
        }

        Tensor sum = AllReduce(Tf.ReduceSum(value, normalized), ReduceOp.Sum);
        if (reduceOp == ReduceOp.Sum)
        {
            return sum;
        }

        Tensor count = AllReduce(Tf.Constant((double)value.Shape[normalized]), ReduceOp.Sum);
        return sum / Tf.Cast(count, sum.DType);
    }

    /// <summary>The element-wise sum or mean of <paramref name="value"/> over all workers, on every worker.</summary>
    public Tensor AllReduce(Tensor value, ReduceOp reduceOp = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AllReduce([value], reduceOp)[0];
    }

    /// <summary>
    /// The element-wise sums or means of <paramref name="values"/> over all workers, fused into buckets of
    /// <see cref="CommunicationOptions.BytesPerPack"/> bytes (no compression: that is for gradients).
    /// </summary>
    public IReadOnlyList<Tensor> AllReduce(IReadOnlyList<Tensor> values, ReduceOp reduceOp = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfDisposed();
        return _fused.Run(values, reduceOp == ReduceOp.Mean, compress: false, Purpose.User, $"{values.Count} tensors");
    }

    /// <summary>Worker <paramref name="root"/>'s <paramref name="value"/>, on every worker (same shape and dtype everywhere).</summary>
    public Tensor Broadcast(Tensor value, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Broadcast([value], root)[0];
    }

    /// <summary>Worker <paramref name="root"/>'s <paramref name="values"/>, on every worker, in one message.</summary>
    public IReadOnlyList<Tensor> Broadcast(IReadOnlyList<Tensor> values, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfDisposed();
        foreach (Tensor value in values)
        {
            TensorBytes.RequireEager(value, "Broadcast");
        }

        return BroadcastTensors(values, root, Purpose.User, $"{values.Count} tensors", names: null);
    }

    /// <summary>Assigns worker <paramref name="root"/>'s values to <paramref name="variables"/> on every worker (Horovod's <c>broadcast_variables</c>).</summary>
    public void BroadcastVariables(IEnumerable<Variable> variables, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ThrowIfDisposed();
        Variable[] list = [.. variables];
        AssignBroadcast(list, root);
    }

    /// <summary>
    /// Every worker's <paramref name="value"/> concatenated along <paramref name="axis"/> in worker order (TensorFlow's
    /// <c>all_gather</c>); the sizes along <paramref name="axis"/> may differ, the other dimensions and the dtype may not.
    /// </summary>
    public Tensor AllGather(Tensor value, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        TensorBytes.RequireEager(value, "AllGather");
        if (value.Rank == 0)
        {
            throw new ArgumentException("AllGather: a scalar has no axis to concatenate along; reshape it to (1,) first.", nameof(value));
        }

        int normalized = axis < 0 ? axis + value.Rank : axis;
        if (normalized < 0 || normalized >= value.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"AllGather: axis {axis} is out of range for a tensor of shape {value.Shape}.");
        }

        return GatherTensors(value, normalized, Purpose.User, skipEmpty: false);
    }

    /// <summary>Returns once every worker has called it.</summary>
    public void Barrier()
    {
        ThrowIfDisposed();
        _collectives.Barrier(Purpose.User, "barrier");
    }

    /// <summary>Ends this strategy's use; MPI itself is finalised when the process exits.</summary>
    public void Dispose() => _disposed = true;

    /// <summary>The collective layer under this strategy (for the benchmark that times it on plain buffers).</summary>
    internal Collectives.Collectives CollectivesForBenchmarks => _collectives;

    /// <summary>The MPI collectives under this strategy, null for one worker (for the benchmark's time inside MPI).</summary>
    internal MpiCollectives? MpiForBenchmarks { get; }

    /// <summary>Marks gradients as already averaged over workers (by a <see cref="DistributedGradientTape"/>).</summary>
    internal static void MarkAveraged(Tensor gradient) => s_averaged.AddOrUpdate(gradient, s_averaged);

    /// <summary>
    /// Starts averaging the gradients of a backward pass over <paramref name="sources"/> sources while it runs: the
    /// callback to give <c>GradientTape.Gradient</c>, or null when gradients are averaged afterwards (one worker,
    /// <see cref="CommunicationOptions.OverlapBackward"/> off, or an MPI without MPI_THREAD_MULTIPLE).
    /// </summary>
    internal GradientReadyCallback? BeginOverlappedGradients(int sources, string detail)
    {
        ThrowIfDisposed();
        if (NumReplicasInSync == 1 || !Options.OverlapBackward || !_collectives.CallableFromAnyThread)
        {
            return null;
        }

        if (_overlapped.Pending)
        {
            _overlapped.Finish();
        }

        return _overlapped.Begin(sources, detail);
    }

    /// <summary>
    /// Waits for the exchange <see cref="BeginOverlappedGradients"/> started: the mean over workers of each source's
    /// gradient (null where it was null), and the gradients this worker computed.
    /// </summary>
    internal (Tensor?[] Averaged, IReadOnlyList<Tensor?> Local) FinishOverlappedGradients() => (_overlapped.Finish(), _overlapped.Local);

    /// <summary>The gradient buckets sent while a backward pass still ran, since the strategy was made (for tests).</summary>
    internal long BucketsSentDuringBackward => _overlapped.SentDuringBackward;

    /// <summary>Whether an overlapped exchange waits for <see cref="FinishOverlappedGradients"/>.</summary>
    internal bool OverlappedGradientsPending => _overlapped.Pending;

    /// <summary>Averages gradients across workers, with the configured compression.</summary>
    internal IReadOnlyList<Tensor> AverageGradients(IReadOnlyList<Tensor> gradients, string detail)
    {
        ThrowIfDisposed();
        return _fused.Run(gradients, mean: true, compress: true, Purpose.Gradients, detail);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
