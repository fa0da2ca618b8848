namespace Nabla;

/// <summary>
/// Records operations on watched tensors so their gradients can be computed (TensorFlow's
/// <c>tf.GradientTape</c>). Recording starts at construction and stops at <see cref="Dispose"/> (leaving
/// the <c>using</c> block); <see cref="Gradient(Tensor, Tensor, UnconnectedGradients)"/> still works afterwards. A tape belongs to
/// the thread or async flow that created it. Trainable floating-point variables read while it records are
/// watched automatically unless <c>watchAccessedVariables</c> is false.
/// <para>
/// C# cannot re-enter a <c>using</c> block the way Python re-enters <c>with tape:</c>, so
/// <see cref="Resume"/> restarts recording on the same tape (<c>using (tape.Resume()) { ... }</c>).
/// </para>
/// </summary>
public sealed partial class GradientTape : IDisposable
{
    private WatchSet _watched;
    private Recording _recording = new();
    private bool _used;

    // The last token array this tape wrote over another mark (nested tapes): tensors recorded by the same tapes
    // share it instead of a fresh array each. Arrays of marks are never written after publication, and a reuse
    // is checked element by element, so a race between flows sharing the tape only costs a fresh array.
    private Recording[]? _markResult;

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
    internal int EntryCount
    {
        get
        {
            bool fast = Enter();
            try
            {
                return _recording.Count;
            }
            finally
            {
                Exit(fast);
            }
        }
    }

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

            bool fast = Enter();
            try
            {
                _watched.Add(t);
            }
            finally
            {
                Exit(fast);
            }
        }
    }

    /// <summary>
    /// The variables this tape watches, in order of construction (TensorFlow's order); emptied by
    /// <see cref="Reset"/>, kept after the single <c>Gradient</c> call of a non-persistent tape.
    /// </summary>
    public IReadOnlyList<Variable> WatchedVariables()
    {
        var result = new List<Variable>();
        bool fast = Enter();
        try
        {
            _watched.CopyVariablesTo(result);
        }
        finally
        {
            Exit(fast);
        }

        result.Sort(static (a, b) => a.Id.CompareTo(b.Id));
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
        bool fast = Enter();
        try
        {
            _recording = new();
            _watched.Clear();
            _markResult = null;
            _used = false;
        }
        finally
        {
            Exit(fast);
        }
    }

    /// <summary>Stops recording (the end of the <c>using</c> block). Gradients can still be taken.</summary>
    public void Dispose() => TapeStack.Remove(this);

    /// <summary>
    /// Records an op if one of its inputs is tracked: watched (a small set: explicit watches and variables) or
    /// produced by an op this tape recorded, which the tensor itself says (<see cref="Tensor.RecordedBy"/> holds
    /// the recording tapes' tokens), so the usual test is a reference compare. The tape is ambient in an async
    /// flow, so a task or thread started inside its block inherits it and may record concurrently (see
    /// <see cref="Enter"/>). The entry holds the inputs inline: recording allocates nothing but room in the
    /// tape's entry array.
    /// </summary>
    internal void RecordIfWatched(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Recording recording;
        bool fast = Enter();
        try
        {
            recording = _recording;
            if (!AnyTracked(recording, inputs))
            {
                return;
            }

            recording.Append(new TapeEntry(op, inputs, output));
        }
        finally
        {
            Exit(fast);
        }

        if (output.DType.IsFloating)
        {
            Mark(output, recording);
        }
    }

    internal void RecordVariableRead(Variable variable, Tensor snapshot)
    {
        Recording recording;
        bool fast = Enter();
        try
        {
            if (!_watched.Contains(variable))
            {
                if (!WatchAccessedVariables || !variable.Trainable || !variable.DType.IsFloating)
                {
                    return;
                }

                _watched.Add(variable);
            }

            recording = _recording;
            Tensor input = variable;
            recording.Append(new TapeEntry(ReadVariableOp.Instance, new ReadOnlySpan<Tensor>(in input), snapshot));
        }
        finally
        {
            Exit(fast);
        }

        Mark(snapshot, recording);
    }

    /// <summary>The entries recorded so far (an array that later appends never overwrite below <paramref name="count"/>).</summary>
    internal TapeEntry[] Entries(out int count)
    {
        bool fast = Enter();
        try
        {
            count = _recording.Count;
            return _recording.Items;
        }
        finally
        {
            Exit(fast);
        }
    }

    private bool AnyTracked(Recording token, ReadOnlySpan<Tensor> inputs)
    {
        foreach (Tensor input in inputs)
        {
            object? mark = input.RecordedBy;
            if (ReferenceEquals(mark, token) || (mark is Recording[] many && Array.IndexOf(many, token) >= 0))
            {
                return true;
            }
        }

        if (_watched.Count == 0)
        {
            return false;
        }

        foreach (Tensor input in inputs)
        {
            if (_watched.Contains(input))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Marks a tensor this tape just recorded as produced (an op output or a variable snapshot). The tensor is
    /// fresh and only its own flow has it yet, so the mark needs no lock; nested tapes share an array of tokens.
    /// </summary>
    private void Mark(Tensor tensor, Recording token)
    {
        object? mark = tensor.RecordedBy;
        if (mark is null)
        {
            tensor.RecordedBy = token;
            return;
        }

        // Nested tapes mark the same tensors in the same order, so the array for "the marks before mine, then
        // mine" is almost always the one made last time. A stale cache only costs a fresh array.
        Recording[]? cached = _markResult;
        if (cached is not null && ReferenceEquals(cached[^1], token) && Extends(cached, mark))
        {
            tensor.RecordedBy = cached;
            return;
        }

        Recording[] result = mark is Recording other ? [other, token] : [.. (Recording[])mark, token];
        _markResult = result;
        tensor.RecordedBy = result;
    }

    /// <summary>Whether <paramref name="marks"/> is <paramref name="mark"/>'s tokens followed by one more.</summary>
    private static bool Extends(Recording[] marks, object mark) => mark is Recording one
        ? marks.Length == 2 && ReferenceEquals(marks[0], one)
        : mark is Recording[] many && marks.Length == many.Length + 1 && marks.AsSpan(0, many.Length).SequenceEqual(many);

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
