namespace Nabla;

/// <summary>
/// The tapes recording in the current thread or async flow, innermost first. Held in an <see cref="AsyncLocal{T}"/>
/// as an immutable linked list, so that two threads (or two awaited flows) never see each other's tapes, and a
/// global count of live recording tapes lets the common no-tape path skip even the async-local read.
/// </summary>
internal static class TapeStack
{
    private sealed record Node(GradientTape Tape, Node? Next);

    private static readonly AsyncLocal<Node?> s_top = new();
    private static int s_recordingCount;

    /// <summary>Whether any tape anywhere is recording (a cheap pre-check).</summary>
    public static bool AnyRecording => Volatile.Read(ref s_recordingCount) > 0;

    /// <summary>Whether a tape records in this thread or async flow (not merely somewhere in the process).</summary>
    public static bool AnyRecordingHere => AnyRecording && s_top.Value is not null;

    public static void Push(GradientTape tape)
    {
        s_top.Value = new Node(tape, s_top.Value);
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

        for (Node? node = s_top.Value; node is not null; node = node.Next)
        {
            node.Tape.RecordIfWatched(op, inputs, output);
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
            node.Tape.RecordVariableRead(variable, snapshot);
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
            if (ReferenceEquals(node.Tape, tape))
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
        if (top is not null && ReferenceEquals(top.Tape, tape))
        {
            return top.Next; // the usual case: the innermost tape ends first
        }

        var above = new List<GradientTape>();
        Node? node = top;
        for (; node is not null && !ReferenceEquals(node.Tape, tape); node = node.Next)
        {
            above.Add(node.Tape);
        }

        Node? result = node?.Next;
        for (int i = above.Count - 1; i >= 0; i--)
        {
            result = new Node(above[i], result);
        }

        return result;
    }
}
