using System.Runtime.ExceptionServices;

namespace Nabla.Data;

/// <summary>
/// <c>Map</c> with <c>numParallelCalls</c> above 1: worker threads read the input one element at a time (under a
/// lock, so the input sees a single reader), run the function side by side, and place each result in a ring at its
/// input index; the consumer takes results in input order. Workers stay at most <c>threads</c> elements ahead of
/// the consumer, so memory is bounded.
/// </summary>
internal sealed class ParallelMapDataset<TIn, TOut>(Dataset<TIn> input, Func<TIn, TOut> function, int threads) : Dataset<TOut>
{
    public override IEnumerator<TOut> GetEnumerator() => new ParallelMapEnumerator<TIn, TOut>(input, function, threads);

    public override long Cardinality() => input.Cardinality();
}

/// <summary>
/// The consumer's side: starts the workers on the first <c>MoveNext</c>; <c>Dispose</c> stops and joins them. The
/// workers hold only the <see cref="ParallelMapState{TIn, TOut}"/>, so a dropped enumerator's finalizer stops them.
/// </summary>
internal sealed class ParallelMapEnumerator<TIn, TOut>(Dataset<TIn> input, Func<TIn, TOut> function, int threads) : IEnumerator<TOut>
{
    private readonly ParallelMapState<TIn, TOut> _state = new(input, function, threads);
    private Thread[]? _workers;
    private TOut _current = default!;

    ~ParallelMapEnumerator()
    {
        _state.Stop();
    }

    public TOut Current => _current;

    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        if (_workers is null)
        {
            ParallelMapState<TIn, TOut> state = _state;
            _workers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                _workers[i] = DatasetThreads.Start("Nabla.Data map worker", state.Work);
            }
        }

        return _state.Take(out _current);
    }

    public void Reset() => throw new NotSupportedException("Dataset iterators cannot be reset: start a new iteration.");

    public void Dispose()
    {
        _state.Stop();
        foreach (Thread worker in _workers ?? [])
        {
            worker.Join();
        }

        _current = default!;
        GC.SuppressFinalize(this);
    }
}

/// <summary>What the workers and the consumer share: the input, the ring of results and where the stream ends.</summary>
internal sealed class ParallelMapState<TIn, TOut>(Dataset<TIn> input, Func<TIn, TOut> function, int capacity)
{
    private readonly object _gate = new();
    private readonly object _inputGate = new();
    private readonly Slot[] _ring = new Slot[capacity];
    private IEnumerator<TIn>? _source;
    private long _claimed;              // the next input index a worker will read
    private long _taken;                // the next index the consumer will take
    private long _end = long.MaxValue;  // the stream's length: the input's end, or one past the first failed element
    private ExceptionDispatchInfo? _inputFault;  // raised at _end when the input itself failed there
    private bool _stopping;
    private int _liveWorkers = capacity;

    /// <summary>A worker's loop: claim the next element, apply the function, store the result; the last worker out disposes the input.</summary>
    public void Work()
    {
        try
        {
            while (TryClaim(out long index, out TIn item))
            {
                TOut value = default!;
                DatasetFunctionException? error = null;
                try
                {
                    value = function(item);
                }
                catch (Exception e)
                {
                    error = new DatasetFunctionException("Map", index, e);
                }

                lock (_gate)
                {
                    _ring[index % _ring.Length] = new Slot(value, error, Ready: true);
                    if (error is not null)
                    {
                        _end = Math.Min(_end, index + 1);  // deliver the results before it, then the error, then stop
                    }

                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally
        {
            bool last;
            lock (_gate)
            {
                last = --_liveWorkers == 0;
            }

            if (last)
            {
                DisposeSource();
            }
        }
    }

    /// <summary>The next result in input order, or false at the end; throws a failed element's exception in its place.</summary>
    public bool Take(out TOut item)
    {
        lock (_gate)
        {
            while (!_stopping)
            {
                if (_taken >= _end)
                {
                    if (_inputFault is { } fault)
                    {
                        _inputFault = null;
                        fault.Throw();
                    }

                    break;
                }

                ref Slot slot = ref _ring[_taken % _ring.Length];
                if (slot.Ready)
                {
                    Slot result = slot;
                    slot = default;
                    _taken++;
                    Monitor.PulseAll(_gate);
                    item = result.Value;
                    return result.Error is null ? true : throw result.Error;
                }

                Monitor.Wait(_gate);
            }

            item = default!;
            return false;
        }
    }

    /// <summary>Tells the workers to stop after their current element.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    // Under the input lock: wait for room in the ring, then read the input's next element (one reader at a time).
    private bool TryClaim(out long index, out TIn item)
    {
        item = default!;
        lock (_inputGate)
        {
            lock (_gate)
            {
                while (!_stopping && _claimed < _end && _claimed - _taken >= _ring.Length)
                {
                    Monitor.Wait(_gate);
                }

                index = _claimed;
                if (_stopping || index >= _end)
                {
                    return false;
                }
            }

            try
            {
                _source ??= input.GetEnumerator();
                if (!_source.MoveNext())
                {
                    EndAt(index, null);
                    return false;
                }

                item = _source.Current;
            }
            catch (Exception e)
            {
                EndAt(index, ExceptionDispatchInfo.Capture(e));
                return false;
            }

            lock (_gate)
            {
                _claimed = index + 1;
            }

            return true;
        }
    }

    private void EndAt(long index, ExceptionDispatchInfo? fault)
    {
        lock (_gate)
        {
            if (index < _end)
            {
                _end = index;
                _inputFault = fault;
            }

            Monitor.PulseAll(_gate);
        }
    }

    private void DisposeSource()
    {
        try
        {
            _source?.Dispose();
        }
        catch (Exception e)
        {
            EndAt(_claimed, ExceptionDispatchInfo.Capture(e));
        }
    }

    private record struct Slot(TOut Value, DatasetFunctionException? Error, bool Ready);
}
