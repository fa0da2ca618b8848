namespace Nabla;

/// <summary>
/// Records operations on watched tensors so their gradients can be computed (TensorFlow's
/// <c>tf.GradientTape</c>). Recording starts at construction and stops at <see cref="Dispose"/> (leaving
/// the <c>using</c> block); <see cref="Gradient(Tensor, Tensor)"/> still works afterwards. A tape belongs to
/// the thread or async flow that created it. Trainable floating-point variables read while it records are
/// watched automatically unless <c>watchAccessedVariables</c> is false.
/// <para>
/// C# cannot re-enter a <c>using</c> block the way Python re-enters <c>with tape:</c>, so
/// <see cref="Resume"/> restarts recording on the same tape (<c>using (tape.Resume()) { ... }</c>).
/// </para>
/// </summary>
public sealed partial class GradientTape : IDisposable
{
    private readonly HashSet<Tensor> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly List<Variable> _watchedVariables = [];
    private List<TapeEntry> _entries = [];
    private bool _used;

    /// <summary>Starts a tape that records at once.</summary>
    /// <param name="persistent">Allow several <c>Gradient</c>/<c>Jacobian</c> calls (keeps every intermediate alive until the tape is dropped).</param>
    /// <param name="watchAccessedVariables">Watch trainable variables automatically when they are read.</param>
    public GradientTape(bool persistent = false, bool watchAccessedVariables = true)
    {
        Persistent = persistent;
        WatchAccessedVariables = watchAccessedVariables;
        TapeStack.Push(this);
    }

    /// <summary>Whether the tape allows more than one gradient computation.</summary>
    public bool Persistent { get; }

    /// <summary>Whether trainable variables are watched automatically when read.</summary>
    public bool WatchAccessedVariables { get; }

    /// <summary>Whether the tape is recording in the calling flow.</summary>
    public bool IsRecording => TapeStack.IsRecording(this);

    /// <summary>Number of recorded operations (for tests and diagnostics).</summary>
    internal int EntryCount => _entries.Count;

    /// <summary>Makes the tape record operations on <paramref name="tensors"/>; non-floating tensors have no gradient and are ignored.</summary>
    public void Watch(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (Tensor t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (!t.DType.IsFloating)
            {
                continue;
            }

            lock (_tracked)
            {
                if (_tracked.Add(t) && t is Variable v)
                {
                    _watchedVariables.Add(v);
                }
            }
        }
    }

    /// <summary>
    /// The variables this tape watches, in order of construction (TensorFlow's order); emptied by
    /// <see cref="Reset"/>, kept after the single <c>Gradient</c> call of a non-persistent tape.
    /// </summary>
    public IReadOnlyList<Variable> WatchedVariables()
    {
        Variable[] result = _watchedVariables.ToArray();
        Array.Sort(result, static (a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>
    /// Pauses recording until the returned handle is disposed: operations in between are invisible to this tape.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the tape is not recording.</exception>
    public IDisposable StopRecording()
    {
        if (!TapeStack.Remove(this))
        {
            throw new InvalidOperationException("Trying to stop recording a tape which is not recording.");
        }

        return new RecordingPause(this);
    }

    /// <summary>
    /// Starts recording again on this tape after <see cref="Dispose"/> (Python's re-entered <c>with tape:</c>):
    /// new operations are added to what was recorded before. A non-persistent tape whose gradient was already
    /// taken starts afresh, as TensorFlow creates a new tape then. Returns this tape, so
    /// <c>using (tape.Resume()) { ... }</c> stops recording again at the end of the block.
    /// </summary>
    /// <exception cref="ArgumentException">When the tape is already recording (TensorFlow's ValueError).</exception>
    public GradientTape Resume()
    {
        if (IsRecording)
        {
            throw new ArgumentException("Tape is still recording, This can happen if you try to re-enter an already-active tape.");
        }

        if (_used && !Persistent)
        {
            Reset();
        }

        TapeStack.Push(this);
        return this;
    }

    /// <summary>
    /// Forgets everything recorded and watched so far, as if a fresh tape had been started; a recording tape
    /// keeps recording (TensorFlow's <c>reset()</c>). A non-persistent tape can then compute gradients again.
    /// </summary>
    public void Reset()
    {
        _entries = [];
        _tracked.Clear();
        _watchedVariables.Clear();
        _used = false;
    }

    /// <summary>Stops recording (the end of the <c>using</c> block). Gradients can still be taken.</summary>
    public void Dispose() => TapeStack.Remove(this);

    /// <summary>
    /// Records an op if one of its inputs is watched. The tape is ambient in an async flow, so a task or thread
    /// started inside its block inherits it and may record concurrently: recording takes the tape's lock, an
    /// uncontended lock (a few nanoseconds against the microseconds of an op) on the usual single-flow path.
    /// </summary>
    internal void RecordIfWatched(Op op, ReadOnlySpan<Tensor> inputs, Tensor output, ref Tensor[]? kept)
    {
        lock (_tracked)
        {
            foreach (Tensor input in inputs)
            {
                if (_tracked.Contains(input))
                {
                    kept ??= inputs.ToArray();
                    _entries.Add(new TapeEntry(op, kept, output));
                    if (output.DType.IsFloating)
                    {
                        _tracked.Add(output);
                    }

                    return;
                }
            }
        }
    }

    internal void RecordVariableRead(Variable variable, Tensor snapshot)
    {
        lock (_tracked)
        {
            if (!_tracked.Contains(variable))
            {
                if (!WatchAccessedVariables || !variable.Trainable || !variable.DType.IsFloating)
                {
                    return;
                }

                _tracked.Add(variable);
                _watchedVariables.Add(variable);
            }

            _entries.Add(new TapeEntry(ReadVariableOp.Instance, [variable], snapshot));
            _tracked.Add(snapshot);
        }
    }

    private sealed class RecordingPause(GradientTape tape) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                if (!tape.IsRecording)
                {
                    TapeStack.Push(tape);
                }
            }
        }
    }
}
