using System.Runtime.ExceptionServices;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed;

/// <summary>
/// Averages a backward pass's gradients across workers while the pass still runs (PyTorch DDP's and Horovod's
/// overlap). The tape tells each gradient as soon as it is final (<see cref="GradientReadyCallback"/>), usually the
/// last layer's first; it is added to the open bucket of its dtype, and a bucket that reaches
/// <see cref="CommunicationOptions.BytesPerPack"/> bytes is handed to a background thread, which packs it (or, for a
/// gradient alone in its bucket, copies it straight into its result's storage: <see cref="Bucket"/>) and all-reduces
/// it (one agreement check and one MPI call per bucket) while this thread goes on with the backward pass.
/// <see cref="Finish"/> sends the last buckets, waits for all of them and unpacks the averages. Every worker records the same computation,
/// so every worker fills the same buckets in the same order; a worker whose gradients differ (another model, a
/// gradient missing on one worker only) fails the agreement check of the first bucket that differs.
/// <para>
/// Needs an MPI library with MPI_THREAD_MULTIPLE (Open MPI has it), since the background thread calls MPI. The
/// thread blocks in <c>MPI_Allreduce</c> rather than having the training thread poll a non-blocking one: Open MPI
/// progresses its non-blocking collectives only when polled, so they would not advance during the backward pass.
/// </para>
/// </summary>
internal sealed class OverlappedGradients(Collectives.Collectives collectives, CommunicationOptions options)
{
    private readonly object _gate = new();
    private readonly Queue<Bucket> _queue = new();
    private readonly List<Bucket> _sent = [];
    private readonly Stack<Bucket> _spare = new();
    private readonly Bucket?[] _open = new Bucket?[DType.All.Count];
    private Tensor?[] _local = [];
    private string _detail = string.Empty;
    private int _unfinished;
    private ExceptionDispatchInfo? _failure;
    private Thread? _thread;

    /// <summary>Whether gradients of a backward pass are being exchanged (<see cref="Begin"/> was called, <see cref="Finish"/> not yet).</summary>
    public bool Pending { get; private set; }

    /// <summary>The buckets of the current exchange handed to the background thread so far.</summary>
    public int SentBuckets => _sent.Count;

    /// <summary>The buckets handed to the background thread before <see cref="Finish"/>, over all exchanges (for tests).</summary>
    public long SentDuringBackward { get; private set; }

    /// <summary>The gradients the backward pass told, by source index.</summary>
    public IReadOnlyList<Tensor?> Local => _local;

    /// <summary>Starts an exchange for a backward pass over <paramref name="sources"/> sources; returns the callback to give the tape.</summary>
    public GradientReadyCallback Begin(int sources, string detail)
    {
        if (Pending)
        {
            throw new InvalidOperationException("OverlappedGradients: the previous exchange was not finished.");
        }

        Pending = true;
        _local = new Tensor?[sources];
        _detail = detail;
        return Add;
    }

    /// <summary>
    /// Sends the buckets still open, waits until every bucket is summed, and returns the mean of each gradient over
    /// the workers by source index (null where this worker's gradient was null). Rethrows what a bucket's collective threw.
    /// </summary>
    public Tensor?[] Finish()
    {
        if (!Pending)
        {
            throw new InvalidOperationException("OverlappedGradients: no exchange to finish.");
        }

        try
        {
            for (int d = 0; d < _open.Length; d++)
            {
                if (_open[d] is { } bucket)
                {
                    _open[d] = null;
                    Send(bucket);
                }
            }

            lock (_gate)
            {
                while (_unfinished > 0)
                {
                    Monitor.Wait(_gate);
                }
            }

            _failure?.Throw();
            var result = new Tensor?[_local.Length];
            double scale = 1.0 / collectives.Size;
            foreach (Bucket bucket in _sent)
            {
                bucket.Unpack(result, scale);
            }

            return result;
        }
        finally
        {
            foreach (Bucket bucket in _sent)
            {
                _spare.Push(bucket);
            }

            _sent.Clear();
            _failure = null;
            Pending = false;
        }
    }

    // The tape's callback (on the training thread): add the gradient to its bucket, send the bucket when full.
    private void Add(int index, Tensor? gradient)
    {
        _local[index] = gradient;
        if (gradient is null || _failure is not null)
        {
            return;
        }

        TensorBytes.RequireEager(gradient, $"AllReduce ({_detail})");
        int d = TensorBytes.IndexOf(gradient.DType);
        Bucket? bucket = _open[d];
        if (bucket is not null && bucket.Bytes + TensorBytes.ByteCount(gradient) > options.BytesPerPack)
        {
            Send(bucket);
            SentDuringBackward++;
            bucket = null;
        }

        if (bucket is null)
        {
            bucket = _spare.Count > 0 ? _spare.Pop() : new Bucket();
            bucket.Reset(gradient.DType);
        }

        bucket.Add(index, gradient);
        _open[d] = bucket;
        if (bucket.Bytes >= options.BytesPerPack)
        {
            _open[d] = null;
            Send(bucket);
            SentDuringBackward++;
        }
    }

    private void Send(Bucket bucket)
    {
        _sent.Add(bucket);
        lock (_gate)
        {
            _unfinished++;
            _queue.Enqueue(bucket);
            Monitor.PulseAll(_gate);
        }

        if (_thread is null)
        {
            _thread = new Thread(SendLoop) { IsBackground = true, Name = "Nabla.Distributed gradient all-reduce" };
            _thread.Start();
        }
    }

    // The background thread: all-reduces the buckets in the order they were sent, for as long as the process lives.
    private void SendLoop()
    {
        double scale = 1.0 / collectives.Size;
        while (true)
        {
            Bucket bucket;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                bucket = _queue.Dequeue();
            }

            try
            {
                // After a failure the collectives are unusable: the rest of the buckets are only counted off.
                if (_failure is null)
                {
                    bucket.SumAcrossWorkers(collectives, options.Compression, scale, Purpose.Gradients, _detail, checkAgreement: true);
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                lock (_gate)
                {
                    _unfinished--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
