namespace Nabla.Distributed.Collectives;

/// <summary>
/// What a collective is for: part of the agreement check (two workers in different collectives stop with a
/// <see cref="CollectiveMismatchException"/> that says what each was doing) and of the messages.
/// </summary>
internal enum Purpose
{
    User,
    Gradients,
    Variables,
    Logs,
    FitSetup,
    Predictions,
}

/// <summary>The kind of a collective.</summary>
internal enum CollectiveKind
{
    AllReduce,
    Broadcast,
    AllGather,
    Barrier,
}

/// <summary>
/// One collective as a worker calls it: its number in the worker's sequence of collectives, kind, purpose, element
/// type, element count and root. Every field but <see cref="Detail"/> must be equal on all workers (counts of an
/// all-gather excepted).
/// </summary>
internal readonly record struct CollectiveCall(long Sequence, CollectiveKind Kind, Purpose Purpose, int DType, long Count, int Root, string Detail)
{
    /// <summary>The element type's name: a dtype, or bytes.</summary>
    public static string DTypeName(int dtype) => dtype < 0 ? "bytes" : Nabla.DType.All[dtype].Name;

    /// <summary>How a worker's call reads in messages: <c>AllReduce #12 of 1,234 float32 (gradients)</c>.</summary>
    public static string Describe(long sequence, CollectiveKind kind, Purpose purpose, int dtype, long count, int root, string? detail)
    {
        string what = kind switch
        {
            CollectiveKind.Barrier => $"{kind} #{sequence}",
            CollectiveKind.Broadcast => $"{kind} #{sequence} of {count:N0} {DTypeName(dtype)} from worker {root}",
            CollectiveKind.AllReduce when dtype < 0 => $"{kind} #{sequence} of {count:N0} values",
            _ => $"{kind} #{sequence} of {count:N0} {DTypeName(dtype)}",
        };
        string why = string.IsNullOrEmpty(detail) ? purpose.ToString().ToLowerInvariant() : $"{purpose.ToString().ToLowerInvariant()}: {detail}";
        return $"{what} ({why})";
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Describe(Sequence, Kind, Purpose, DType, Count, Root, Detail)}");
}

/// <summary>
/// The collectives the strategy is built on, over flat buffers. <see cref="MpiCollectives"/> runs them across
/// processes; <see cref="SingleProcessCollectives"/> is the one-worker case (a plain <c>dotnet</c> run, no MPI).
/// Every worker must call the same collectives in the same order.
/// </summary>
internal abstract class Collectives
{
    /// <summary>This worker's index (its MPI rank).</summary>
    public abstract int Rank { get; }

    /// <summary>The number of workers.</summary>
    public abstract int Size { get; }

    /// <summary>
    /// Whether a thread other than the one that started the job may run collectives (one thread at a time): MPI's
    /// MPI_THREAD_MULTIPLE. The overlap of gradient all-reduces with the backward pass needs it.
    /// </summary>
    public virtual bool CallableFromAnyThread => true;

    /// <summary>
    /// Replaces <paramref name="data"/> on every worker with the element-wise sum over all workers (float16 and
    /// bfloat16 are summed pairwise in float32 and rounded back).
    /// </summary>
    /// <param name="data">This worker's values; the sums on return.</param>
    /// <param name="purpose">What the sum is for.</param>
    /// <param name="detail">A description for messages.</param>
    /// <param name="checkAgreement">Whether to check that every worker calls the same collective (false for the buckets
    /// of a series checked by <see cref="CheckAgreement"/>).</param>
    public abstract void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
        where T : unmanaged;

    /// <summary>
    /// Checks that every worker is about to run the same collective, throwing <see cref="CollectiveMismatchException"/>
    /// on every worker alike when not: the check of a series of all-reduces made with <c>checkAgreement: false</c> (a
    /// fused all-reduce's buckets). Across processes the check of a series goes with its first all-reduce, which must
    /// follow.
    /// </summary>
    /// <param name="kind">The collective.</param>
    /// <param name="purpose">What it is for.</param>
    /// <param name="dtype">The element type's index in <see cref="DType.All"/>, or -1 for bytes or mixed types.</param>
    /// <param name="count">The number of elements in all.</param>
    /// <param name="layout">A hash of how the elements are split into tensors (their dtypes and sizes).</param>
    /// <param name="detail">A description for messages.</param>
    public abstract void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail);

    /// <summary>Copies <paramref name="data"/> of worker <paramref name="root"/> into every worker's <paramref name="data"/>.</summary>
    public abstract void Broadcast(Span<byte> data, int root, Purpose purpose, string detail);

    /// <summary>
    /// Every worker's <paramref name="mine"/>, concatenated in worker order; lengths may differ. Returns the bytes and
    /// each worker's length.
    /// </summary>
    public abstract (byte[] All, int[] Lengths) AllGather(ReadOnlySpan<byte> mine, Purpose purpose, string detail);

    /// <summary>Returns when every worker has called it.</summary>
    public abstract void Barrier(Purpose purpose, string detail);
}

/// <summary>One worker: every collective is the identity.</summary>
internal sealed class SingleProcessCollectives : Collectives
{
    public static SingleProcessCollectives Instance { get; } = new();

    public override int Rank => 0;

    public override int Size => 1;

    public override void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
    {
    }

    public override void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail)
    {
    }

    public override void Broadcast(Span<byte> data, int root, Purpose purpose, string detail)
    {
        if (root != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, "Broadcast: the root must be a worker index, and this job has one worker (0).");
        }
    }

    public override (byte[] All, int[] Lengths) AllGather(ReadOnlySpan<byte> mine, Purpose purpose, string detail) => (mine.ToArray(), [mine.Length]);

    public override void Barrier(Purpose purpose, string detail)
    {
    }
}
