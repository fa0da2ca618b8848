using System.Diagnostics;

namespace Nabla;

/// <summary>
/// The tapes recording in the current thread or async flow, innermost first. Held in an <see cref="AsyncLocal{T}"/>
/// as an immutable linked list, so that two threads (or two awaited flows) never see each other's tapes, and a
/// global count of live recording tapes lets the common no-tape path skip even the async-local read.
/// <para>
/// The list holds its tapes weakly: a tape that nobody references can never be asked for a gradient, so a leaked,
/// never-disposed tape is collected like any garbage, and the next op recorded here drops its node (4,000 leaked
/// persistent tapes used to be visited by every op, holding everything they recorded: 91 ms and 1.2 GB for a
/// two-op step). Dropping one is a bug in the caller, reported once through <see cref="Trace"/>.
/// </para>
/// </summary>
internal static class TapeStack
{
    private sealed class Node(TapeHandle handle, Node? next)
    {
        public TapeHandle Handle { get; } = handle;

        public Node? Next { get; } = next;
    }

    /// <summary>
    /// One push of a tape: the weak reference, and whether the recording count still counts it for a collected tape
    /// (flows that share the list may each find it dead; only the first one uncounts it).
    /// </summary>
    private sealed class TapeHandle(GradientTape tape)
    {
        private readonly WeakReference<GradientTape> _tape = new(tape);
        private int _released;

        public GradientTape? Tape => _tape.TryGetTarget(out GradientTape? tape) ? tape : null;

        public bool Release() => Interlocked.Exchange(ref _released, 1) == 0;
    }

    private static readonly AsyncLocal<Node?> s_top = new();
    private static int s_recordingCount;
    private static int s_collectedCount;

    /// <summary>Whether any tape anywhere is recording (a cheap pre-check).</summary>
    public static bool AnyRecording => Volatile.Read(ref s_recordingCount) > 0;

    /// <summary>Whether a tape records in this thread or async flow (not merely somewhere in the process).</summary>
    public static bool AnyRecordingHere => AnyRecording && s_top.Value is not null;

    /// <summary>How many tapes were collected while still recording, never disposed (for tests and diagnostics).</summary>
    internal static int CollectedWhileRecording => Volatile.Read(ref s_collectedCount);

    /// <summary>The number of nodes on this flow's stack, collected tapes not yet dropped included (for tests).</summary>
    internal static int DepthHere
    {
        get
        {
            int depth = 0;
            for (Node? node = s_top.Value; node is not null; node = node.Next)
            {
                depth++;
            }

            return depth;
        }
    }

    public static void Push(GradientTape tape)
    {
        s_top.Value = new Node(new TapeHandle(tape), s_top.Value);
        Interlocked.Increment(ref s_recordingCount);
    }

    /// <summary>Removes <paramref name="tape"/> from this flow's stack, wherever it sits.</summary>
    public static bool Remove(GradientTape tape)
    {
        Node? top = s_top.Value;
        if (!Contains(top, tape))
        {
            return false;
        }

        s_top.Value = Without(top, tape);
        Interlocked.Decrement(ref s_recordingCount);
        return true;
    }

    /// <summary>Whether <paramref name="tape"/> is recording in this flow.</summary>
    public static bool IsRecording(GradientTape tape) => AnyRecording && Contains(s_top.Value, tape);

    /// <summary>Offers an op's execution to every recording tape of this flow (each copies the inputs into its entry).</summary>
    public static void Record(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        if (!AnyRecording)
        {
            return;
        }

        bool collected = false;
        for (Node? node = s_top.Value; node is not null; node = node.Next)
        {
            if (node.Handle.Tape is { } tape)
            {
                tape.RecordIfWatched(op, inputs, output);
            }
            else
            {
                collected = true;
            }
        }

        if (collected)
        {
            DropCollected();
        }
    }

    /// <summary>Offers a variable read to every recording tape of this flow (which may watch it automatically).</summary>
    public static void RecordVariableRead(Variable variable, Tensor snapshot)
    {
        if (!AnyRecording)
        {
            return;
        }

        for (Node? node = s_top.Value; node is not null; node = node.Next)
        {
            node.Handle.Tape?.RecordVariableRead(variable, snapshot);
        }
    }

    /// <summary>
    /// Hides this flow's tapes until the returned scope ends: a function being traced starts with no tape (the tapes
    /// outside see its call as one operation, never its symbolic ops), as does TensorFlow's init_scope.
    /// </summary>
    public static SuspendScope Suspend()
    {
        Node? top = s_top.Value;
        s_top.Value = null;
        return new SuspendScope(top);
    }

    /// <summary>Restores the tapes hidden by <see cref="Suspend"/>.</summary>
    internal readonly struct SuspendScope(object? top) : IDisposable
    {
        public void Dispose() => s_top.Value = (Node?)top;
    }

    private static bool Contains(Node? node, GradientTape tape)
    {
        for (; node is not null; node = node.Next)
        {
            if (ReferenceEquals(node.Handle.Tape, tape))
            {
                return true;
            }
        }

        return false;
    }

    // Iterative: the tapes above the removed one are copied onto its successor, so removing the outermost of
    // 150,000 live tapes costs a loop, not 150,000 stack frames (a recursion here crashed the process).
    private static Node? Without(Node? top, GradientTape tape)
    {
        if (top is not null && ReferenceEquals(top.Handle.Tape, tape))
        {
            return top.Next; // the usual case: the innermost tape ends first
        }

        var above = new List<TapeHandle>();
        Node? node = top;
        for (; node is not null && !ReferenceEquals(node.Handle.Tape, tape); node = node.Next)
        {
            above.Add(node.Handle);
        }

        return Rebuilt(above, node?.Next);
    }

    /// <summary>
    /// Drops the nodes of collected tapes from this flow's stack (rare: only after a tape was leaked). Allocates the
    /// live nodes anew, as <see cref="Without"/> does; the recording count forgets each collected tape once.
    /// </summary>
    private static void DropCollected()
    {
        var live = new List<TapeHandle>();
        int released = 0;
        for (Node? node = s_top.Value; node is not null; node = node.Next)
        {
            if (node.Handle.Tape is not null)
            {
                live.Add(node.Handle);
            }
            else if (node.Handle.Release())
            {
                released++;
            }
        }

        s_top.Value = Rebuilt(live, null);
        if (released > 0)
        {
            Interlocked.Add(ref s_recordingCount, -released);
            if (Interlocked.Add(ref s_collectedCount, released) == released)
            {
                Trace.TraceWarning(
                    $"Nabla: {released} GradientTape(s) were garbage-collected while still recording: dispose every tape " +
                    "(using var tape = new GradientTape()). A tape that is never disposed records every later op until it is collected.");
            }
        }
    }

    private static Node? Rebuilt(List<TapeHandle> handles, Node? below)
    {
        Node? result = below;
        for (int i = handles.Count - 1; i >= 0; i--)
        {
            result = new Node(handles[i], result);
        }

        return result;
    }
}
