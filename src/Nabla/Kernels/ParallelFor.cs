namespace Nabla.Kernels;

/// <summary>The work of one chunk: the half-open element range [start, end) of a partitioned loop.</summary>
internal interface IRangeBody
{
    void Invoke(int start, int end);
}

/// <summary>
/// Splits contiguous span work over the cores. Below <see cref="Threshold"/> elements the body runs inline on the
/// calling thread with no allocation (the body is a struct passed by value, never boxed); above it the range is cut
/// into at most <see cref="MaxDegreeOfParallelism"/> chunks of at least <see cref="MinChunk"/> elements, aligned to
/// 64 elements so no two chunks write the same cache line, and run with <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>
/// (the calling thread takes part). Chunk bounds depend only on the length and the degree, never on timing.
/// Bodies hold arrays (or pinned pointers): spans cannot cross threads.
/// </summary>
internal static class ParallelFor
{
    private static int s_maxDegree = Environment.ProcessorCount;
    private static int s_threshold = 128 * 1024;

    /// <summary>The most threads one op uses (default: the processor count); benchmarks set it to 1 or 2.</summary>
    public static int MaxDegreeOfParallelism
    {
        get => s_maxDegree;
        set => s_maxDegree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The degree of parallelism must be at least 1.");
    }

    /// <summary>The element count from which work is split (default 128 Ki elements, about 0.1 ms of a memory-bound loop).</summary>
    public static int Threshold
    {
        get => s_threshold;
        set => s_threshold = value >= 2 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The threshold must be at least 2.");
    }

    /// <summary>The smallest chunk handed to a thread: half the threshold.</summary>
    public static int MinChunk => s_threshold / 2;

    /// <summary>How many chunks <paramref name="length"/> elements are split into (1: run inline).</summary>
    public static int ChunkCount(long length)
    {
        int degree = s_maxDegree;
        if (degree <= 1 || length < s_threshold)
        {
            return 1;
        }

        return (int)Math.Min(degree, length / MinChunk);
    }

    /// <summary>The start of chunk <paramref name="index"/> of <paramref name="chunks"/> over <paramref name="length"/> elements.</summary>
    public static int ChunkStart(int length, int chunks, int index)
    {
        if (index <= 0)
        {
            return 0;
        }

        if (index >= chunks)
        {
            return length;
        }

        long start = (long)length * index / chunks;
        start &= ~63L; // cache-line (and SIMD) aligned boundaries for every element size
        return (int)start;
    }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="length"/>), split when large.</summary>
    public static void Run<TBody>(int length, TBody body)
        where TBody : struct, IRangeBody
    {
        int chunks = ChunkCount(length);
        if (chunks <= 1)
        {
            body.Invoke(0, length);
            return;
        }

        RunChunks(length, chunks, body);
    }

    /// <summary>Runs <paramref name="body"/> over exactly <paramref name="chunks"/> chunks of [0, <paramref name="length"/>).</summary>
    public static void RunChunks<TBody>(int length, int chunks, TBody body)
        where TBody : struct, IRangeBody
    {
        if (chunks <= 1)
        {
            body.Invoke(0, length);
            return;
        }

        Spread(length, chunks, itemBounds: false, body);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over <paramref name="count"/> independent items (rows, blocks) costing
    /// <paramref name="itemCost"/> elements each: split into contiguous item ranges when the total is large.
    /// </summary>
    public static void RunItems<TBody>(int count, long itemCost, TBody body)
        where TBody : struct, IRangeBody
    {
        int chunks = (int)Math.Min(ChunkCount(count * Math.Max(itemCost, 1)), count);
        if (chunks <= 1)
        {
            body.Invoke(0, count);
            return;
        }

        Spread(count, chunks, itemBounds: true, body);
    }

    /// <summary>The start of item range <paramref name="index"/> of <paramref name="chunks"/> over <paramref name="count"/> items.</summary>
    public static int ItemStart(int count, int chunks, int index) => (int)((long)count * index / chunks);

    // Large work runs on the persistent WorkerTeam: waking a worker that is spinning or parked costs a few
    // microseconds where a Parallel.For costs 15-20 (measured: a 256 Ki-element sum took 26 us on two threads
    // against 16 us on one). A call that finds the team busy (another thread's op, or a body that itself splits
    // work) falls back to Parallel.For, which the closure below is kept apart for: it is allocated on entry to
    // the method that captures it, so the team path allocates nothing.
    private static void Spread<TBody>(int length, int chunks, bool itemBounds, TBody body)
        where TBody : struct, IRangeBody
    {
        RangeJob<TBody> job = RangeJob<TBody>.ForThisThread;
        job.Prepare(length, chunks, itemBounds, body);
        bool ran = WorkerTeam.Shared.TryRun(job, Math.Min(chunks, s_maxDegree));
        Exception? failure = job.Finish();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (!ran)
        {
            SpreadOnThreadPool(length, chunks, itemBounds, body);
        }
    }

    private static void SpreadOnThreadPool<TBody>(int length, int chunks, bool itemBounds, TBody body)
        where TBody : struct, IRangeBody
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(chunks, s_maxDegree) };
        try
        {
            Parallel.For(0, chunks, options, i => RunChunk(length, chunks, itemBounds, body, i));
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count >= 1)
        {
            // The team path rethrows a chunk's own exception; so does this path (the first one, with its stack),
            // so a caller sees the same ArgumentException whichever path ran, never an AggregateException.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(aggregate.InnerExceptions[0]);
        }
    }

    private static void RunChunk<TBody>(int length, int chunks, bool itemBounds, TBody body, int index)
        where TBody : struct, IRangeBody
    {
        int start = itemBounds ? ItemStart(length, chunks, index) : ChunkStart(length, chunks, index);
        int end = itemBounds ? ItemStart(length, chunks, index + 1) : ChunkStart(length, chunks, index + 1);
        if (end > start)
        {
            body.Invoke(start, end);
        }
    }

    /// <summary>
    /// The chunks of one <see cref="Spread"/> call as a team job: member i runs chunks i, i + members, ….
    /// One instance per thread and body type, so preparing it needs no lock and allocates nothing after the
    /// first call; a body's exception is caught (a team member must never throw) and rethrown by the caller.
    /// </summary>
    private sealed class RangeJob<TBody> : TeamJob
        where TBody : struct, IRangeBody
    {
        [ThreadStatic]
        private static RangeJob<TBody>? t_instance;

        private int _length;
        private int _chunks;
        private bool _itemBounds;
        private TBody _body;
        private Exception? _failure;

        public static RangeJob<TBody> ForThisThread => t_instance ??= new RangeJob<TBody>();

        public void Prepare(int length, int chunks, bool itemBounds, TBody body)
        {
            _length = length;
            _chunks = chunks;
            _itemBounds = itemBounds;
            _body = body;
            _failure = null;
        }

        /// <summary>Releases the body (it holds the op's arrays) and returns the first exception a chunk threw.</summary>
        public Exception? Finish()
        {
            _body = default;
            Exception? failure = _failure;
            _failure = null;
            return failure;
        }

        public override void Run(int member, int members, TeamBarrier barrier)
        {
            try
            {
                for (int i = member; i < _chunks; i += members)
                {
                    RunChunk(_length, _chunks, _itemBounds, _body, i);
                }
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
        }
    }
}
