using System.Runtime.ExceptionServices;

namespace Nabla.Data;

public abstract partial class Dataset<T>
{
    /// <summary>
    /// Produces up to <paramref name="bufferSize"/> elements ahead on a background thread (TensorFlow's
    /// <c>prefetch</c>), so the next batch is prepared while the training step runs. <see cref="Dataset.Autotune"/>
    /// keeps two elements ahead; 0 turns prefetching off. An exception of the input is raised on the iterating thread
    /// after the elements before it; disposing the iterator (the end of <c>foreach</c>) stops and joins the thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bufferSize"/> is negative and not <see cref="Dataset.Autotune"/>.</exception>
    public Dataset<T> Prefetch(int bufferSize = Dataset.Autotune)
    {
        if (bufferSize < 0 && bufferSize != Dataset.Autotune)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "Prefetch: bufferSize must be non-negative or Dataset.Autotune.");
        }

        int capacity = bufferSize == Dataset.Autotune ? 2 : bufferSize;
        return capacity == 0 ? this : new IteratorDataset<T>(() => new PrefetchEnumerator<T>(this, capacity), Cardinality);
    }
}

/// <summary>
/// The consumer's side of a prefetch: it starts the producer thread on the first <c>MoveNext</c>. The thread holds
/// only the <see cref="PrefetchBuffer{T}"/>, never this enumerator, so an enumerator dropped without
/// <c>Dispose</c> is collected and its finalizer stops the thread.
/// </summary>
internal sealed class PrefetchEnumerator<T>(Dataset<T> input, int capacity) : IEnumerator<T>
{
    private readonly PrefetchBuffer<T> _buffer = new(capacity);
    private Thread? _thread;
    private T _current = default!;

    ~PrefetchEnumerator()
    {
        _buffer.Stop();
    }

    public T Current => _current;

    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        if (_thread is null)
        {
            PrefetchBuffer<T> buffer = _buffer;
            Dataset<T> source = input;
            _thread = DatasetThreads.Start("Nabla.Data prefetch", () => buffer.Produce(source));
        }

        return _buffer.Take(out _current);
    }

    public void Reset() => throw new NotSupportedException("Dataset iterators cannot be reset: start a new iteration.");

    public void Dispose()
    {
        _buffer.Stop();
        _thread?.Join();
        _current = default!;
        GC.SuppressFinalize(this);
    }
}

/// <summary>The bounded queue between the producer thread and the consumer, with the producer's end or fault.</summary>
internal sealed class PrefetchBuffer<T>(int capacity)
{
    private readonly object _gate = new();
    private readonly Queue<T> _queue = new();
    private bool _stopping;
    private bool _finished;
    private ExceptionDispatchInfo? _fault;

    /// <summary>The producer thread's loop: iterate the input into the queue until it ends, fails or is stopped.</summary>
    public void Produce(Dataset<T> input)
    {
        IEnumerator<T>? source = null;
        try
        {
            source = input.GetEnumerator();
            while (WaitForRoom() && source.MoveNext())
            {
                lock (_gate)
                {
                    if (!_stopping)
                    {
                        _queue.Enqueue(source.Current);
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }
        catch (Exception e)
        {
            _fault = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            try
            {
                source?.Dispose();
            }
            catch (Exception e)
            {
                _fault ??= ExceptionDispatchInfo.Capture(e);
            }

            lock (_gate)
            {
                _finished = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>The next element, or false at the end; rethrows the producer's exception once the elements before it are taken.</summary>
    public bool Take(out T item)
    {
        lock (_gate)
        {
            while (_queue.Count == 0 && !_finished && !_stopping)
            {
                Monitor.Wait(_gate);
            }

            if (_queue.Count > 0)
            {
                item = _queue.Dequeue();
                Monitor.PulseAll(_gate);
                return true;
            }

            item = default!;
            if (_fault is { } fault && !_stopping)
            {
                _fault = null;
                fault.Throw();
            }

            return false;
        }
    }

    /// <summary>Asks the producer to stop after its current element and drops the queued ones.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    private bool WaitForRoom()
    {
        lock (_gate)
        {
            while (_queue.Count >= capacity && !_stopping)
            {
                Monitor.Wait(_gate);
            }

            return !_stopping;
        }
    }
}
