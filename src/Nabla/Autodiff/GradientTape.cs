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
    private readonly Lock _lock = new();
    private readonly HashSet<Tensor> _watched = new(ReferenceEqualityComparer.Instance);
    private readonly List<Variable> _watchedVariables = [];
    private List<TapeEntry> _entries = new(8);
    private TapeToken _token = new();
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

            lock (_lock)
            {
                if (_watched.Add(t) && t is Variable v)
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
        _entries = new(8);
        _watched.Clear();
        _watchedVariables.Clear();
        _token = new();
        _used = false;
    }

    /// <summary>Stops recording (the end of the <c>using</c> block). Gradients can still be taken.</summary>
    public void Dispose() => TapeStack.Remove(this);

    /// <summary>
    /// Records an op if one of its inputs is tracked: watched (a small set: explicit watches and variables) or
    /// produced by an op this tape recorded, which the tensor itself says (<see cref="Tensor.RecordedBy"/> holds
    /// the recording tapes' tokens), so the usual test is a reference compare, not a hash lookup. The tape is
    /// ambient in an async flow, so a task or thread started inside its block inherits it and may record
    /// concurrently: appending takes the tape's lock, uncontended on the usual single-flow path.
    /// </summary>
    internal void RecordIfWatched(Op op, ReadOnlySpan<Tensor> inputs, Tensor output, ref Tensor[]? kept)
    {
        if (!AnyTracked(inputs))
        {
            return;
        }

        kept ??= inputs.ToArray();
        lock (_lock)
        {
            _entries.Add(new TapeEntry(op, kept, output));
        }

        if (output.DType.IsFloating)
        {
            Mark(output);
        }
    }

    internal void RecordVariableRead(Variable variable, Tensor snapshot)
    {
        lock (_lock)
        {
            if (!_watched.Contains(variable))
            {
                if (!WatchAccessedVariables || !variable.Trainable || !variable.DType.IsFloating)
                {
                    return;
                }

                _watched.Add(variable);
                _watchedVariables.Add(variable);
            }

            _entries.Add(new TapeEntry(ReadVariableOp.Instance, variable.AsInputs, snapshot));
        }

        Mark(snapshot);
    }

    private bool AnyTracked(ReadOnlySpan<Tensor> inputs)
    {
        TapeToken token = _token;
        foreach (Tensor input in inputs)
        {
            object? mark = input.RecordedBy;
            if (ReferenceEquals(mark, token) || (mark is TapeToken[] many && Array.IndexOf(many, token) >= 0))
            {
                return true;
            }
        }

        if (_watched.Count == 0)
        {
            return false;
        }

        lock (_lock)
        {
            foreach (Tensor input in inputs)
            {
                if (_watched.Contains(input))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Marks a tensor this tape just recorded as produced (an op output or a variable snapshot). The tensor is
    /// fresh and only its own flow has it yet, so the mark needs no lock; nested tapes share an array of tokens.
    /// </summary>
    private void Mark(Tensor tensor)
    {
        object? mark = tensor.RecordedBy;
        tensor.RecordedBy = mark switch
        {
            null => _token,
            TapeToken other => new[] { other, _token },
            _ => (TapeToken[])[.. (TapeToken[])mark, _token],
        };
    }

    /// <summary>The identity of one recording: <see cref="Reset"/> replaces it, which forgets every mark at once.</summary>
    private sealed class TapeToken;

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
