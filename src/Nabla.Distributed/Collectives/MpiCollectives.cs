using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Collectives;

/// <summary>
/// Collectives across the processes of an MPI job. Each one first checks that every worker calls the same
/// collective (an all-gather of a 64-byte descriptor), then runs the non-blocking MPI call and waits for it by
/// polling <c>MPI_Test</c>, reading the other workers' notices in between (<see cref="ControlChannel"/>) and
/// stopping after <see cref="Timeout"/> with an error that names the workers that no longer answer. All-reduces of
/// <see cref="BlockingAllReduceBytes"/> or more call the blocking <c>MPI_Allreduce</c> instead, watched from a second
/// thread by <see cref="CollectiveWatchdog"/> (when MPI provides MPI_THREAD_MULTIPLE): Open MPI's non-blocking
/// all-reduce (libnbc, progressed only by <c>MPI_Test</c>) took 2.1-2.3 times its blocking one at 16-64 MiB.
/// </summary>
internal sealed unsafe class MpiCollectives(MpiWorld world, TimeSpan timeout) : Collectives
{
    /// <summary>From this size on, an all-reduce is one blocking MPI call with a watchdog beside it.</summary>
    public const long BlockingAllReduceBytes = 1 << 20;

    // MPI counts are ints: larger buffers go in pieces.
    private const int MaxChunk = 1 << 30;
    private const int DescriptorLength = 8;
    private long _sequence;
    private CollectiveWatchdog? _watchdog;

    public override int Rank => world.Rank;

    public override int Size => world.Size;

    public override bool CallableFromAnyThread => world.ThreadMultiple;

    /// <summary>How long a collective may wait before the workers that do not answer are named and the job stops.</summary>
    public TimeSpan Timeout { get; } = timeout;

    public override void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
    {
        CollectiveCall call = Begin(CollectiveKind.AllReduce, purpose, DTypeIndex<T>(), data.Length, -1, detail, checkAgreement);
        (nint type, nint op) = ReducedPrecisionSum.TypeAndOp<T>(world.Mpi);
        bool blocking = world.ThreadMultiple && (long)data.Length * sizeof(T) >= BlockingAllReduceBytes;
        fixed (T* p = data)
        {
            for (long offset = 0; offset < data.Length; offset += MaxChunk)
            {
                int count = (int)Math.Min(MaxChunk, data.Length - offset);
                if (blocking)
                {
                    // No Gate: the watchdog reads notices (under the Gate) while this thread waits inside MPI.
                    _watchdog ??= new CollectiveWatchdog(this, world);
                    _watchdog.Arm(call);
                    int code;
                    try
                    {
                        code = world.Mpi.Allreduce(OpenMpi.InPlace, p + offset, count, type, op, world.DataComm);
                    }
                    finally
                    {
                        _watchdog.Disarm();
                    }

                    world.Check(code, "MPI_Allreduce");
                    continue;
                }

                nint request = 0;
                lock (world.Gate)
                {
                    world.Check(world.Mpi.Iallreduce(OpenMpi.InPlace, p + offset, count, type, op, world.DataComm, &request), "MPI_Iallreduce");
                }

                Wait(ref request, call);
            }
        }
    }

    public override void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail) =>
        Begin(kind, purpose, dtype, count, -1, detail, true, layout: layout);

    public override void Broadcast(Span<byte> data, int root, Purpose purpose, string detail)
    {
        if (root < 0 || root >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, $"Broadcast: the root must be a worker index in [0, {Size}).");
        }

        CollectiveCall call = Begin(CollectiveKind.Broadcast, purpose, -1, data.Length, root, detail, true);
        fixed (byte* p = data)
        {
            for (long offset = 0; offset < data.Length; offset += MaxChunk)
            {
                int count = (int)Math.Min(MaxChunk, data.Length - offset);
                nint request = 0;
                lock (world.Gate)
                {
                    world.Check(world.Mpi.Ibcast(p + offset, count, world.Mpi.Byte, root, world.DataComm, &request), "MPI_Ibcast");
                }

                Wait(ref request, call);
            }
        }
    }

    public override (byte[] All, int[] Lengths) AllGather(ReadOnlySpan<byte> mine, Purpose purpose, string detail)
    {
        // The agreement check exchanges every worker's length: the counts of the all-gather that follows.
        long[] table = new long[Size * DescriptorLength];
        CollectiveCall call = Begin(CollectiveKind.AllGather, purpose, -1, mine.Length, -1, detail, true, table);
        int[] lengths = new int[Size];
        int[] offsets = new int[Size];
        long total = 0;
        for (int r = 0; r < Size; r++)
        {
            offsets[r] = (int)total;
            lengths[r] = (int)table[(r * DescriptorLength) + 4];
            total += lengths[r];
        }

        if (total > int.MaxValue)
        {
            throw new NotSupportedException($"AllGather of {total:N0} bytes in all: at most {int.MaxValue:N0} bytes can be gathered at once.");
        }

        byte[] all = new byte[total];
        fixed (byte* send = mine)
        fixed (byte* receive = all)
        fixed (int* counts = lengths)
        fixed (int* displacements = offsets)
        {
            nint request = 0;
            lock (world.Gate)
            {
                world.Check(world.Mpi.Iallgatherv(send, mine.Length, world.Mpi.Byte, receive, counts, displacements, world.Mpi.Byte,
                    world.DataComm, &request), "MPI_Iallgatherv");
            }

            Wait(ref request, call);
        }

        return (all, lengths);
    }

    public override void Barrier(Purpose purpose, string detail) => Begin(CollectiveKind.Barrier, purpose, -1, 0, -1, detail, true);

    private static int DTypeIndex<T>()
    {
        for (int i = 0; i < DType.All.Count; i++)
        {
            if (DType.All[i].ClrType == typeof(T))
            {
                return i;
            }
        }

        throw new NotSupportedException($"Collectives do not reduce elements of type {typeof(T).Name}.");
    }

    /// <summary>
    /// Numbers the call and, unless <paramref name="checkAgreement"/> is false, all-gathers every worker's descriptor of
    /// it and throws <see cref="CollectiveMismatchException"/> (on every worker alike) when they differ.
    /// </summary>
    private CollectiveCall Begin(CollectiveKind kind, Purpose purpose, int dtype, long count, int root, string detail, bool checkAgreement,
        long[]? table = null, long layout = 0)
    {
        world.ThrowIfBroken();
        var call = new CollectiveCall(++_sequence, kind, purpose, dtype, count, root, detail);
        if (!checkAgreement && table is null)
        {
            return call;
        }

        Span<long> mine = [call.Sequence, (long)kind, (long)purpose, dtype, count, root, layout, 0];
        table ??= new long[Size * DescriptorLength];
        fixed (long* send = mine)
        fixed (long* receive = table)
        {
            nint request = 0;
            lock (world.Gate)
            {
                world.Check(world.Mpi.Iallgather(send, DescriptorLength, world.Mpi.Int64, receive, DescriptorLength, world.Mpi.Int64,
                    world.DataComm, &request), "MPI_Iallgather");
            }

            Wait(ref request, call);
        }

        bool countsMustMatch = kind != CollectiveKind.AllGather;
        for (int r = 0; r < Size; r++)
        {
            ReadOnlySpan<long> theirs = table.AsSpan(r * DescriptorLength, DescriptorLength);
            bool same = theirs[0] == mine[0] && theirs[1] == mine[1] && theirs[2] == mine[2] && theirs[3] == mine[3]
                && theirs[5] == mine[5] && theirs[6] == mine[6] && (!countsMustMatch || theirs[4] == mine[4]);
            if (!same)
            {
                throw new CollectiveMismatchException(MismatchMessage(call, table));
            }
        }

        return call;
    }

    private string MismatchMessage(CollectiveCall call, long[] table)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"The workers called different collectives (a setup error: models of different shapes, data sets of different sizes, or a collective called on some workers only). Worker {Rank} called {call}.");
        for (int r = 0; r < Size; r++)
        {
            ReadOnlySpan<long> d = table.AsSpan(r * DescriptorLength, DescriptorLength);
            string description = CollectiveCall.Describe(d[0], (CollectiveKind)d[1], (Purpose)d[2], (int)d[3], d[4], (int)d[5], null);
            string layout = d[6] == table[(Rank * DescriptorLength) + 6] ? string.Empty : " with tensors of other sizes";
            text.Append(CultureInfo.InvariantCulture, $" Worker {r}: {description}{layout}.");
        }

        return text.ToString();
    }

    /// <summary>
    /// Polls <paramref name="request"/> until it completes: spinning first (a collective among busy workers completes
    /// in microseconds), then yielding the core, then sleeping a millisecond between polls (a worker waiting for a
    /// slower one must not take its core on a shared machine). Reads notices every 32 polls.
    /// </summary>
    private void Wait(ref nint request, CollectiveCall call)
    {
        long start = Stopwatch.GetTimestamp();

        // Described only once notices are read: most collectives complete before (no string per call).
        string? waitingIn = null;
        for (int polls = 1; ; polls++)
        {
            if (TestOnce(ref request))
            {
                return;
            }

            if ((polls & 31) != 0)
            {
                Thread.SpinWait(4);
                continue;
            }

            TimeSpan waited = Stopwatch.GetElapsedTime(start);
            waitingIn ??= call.ToString();
            PollNotices(waitingIn, call);
            if (waited > Timeout)
            {
                nint pending = request;
                bool completed = Diagnose(() => TestOnce(ref pending), call, waited);
                request = pending;
                if (completed)
                {
                    return;
                }
            }
            else if (waited > TimeSpan.FromMilliseconds(20))
            {
                Thread.Sleep(1);
            }
            else if (polls > 4096)
            {
                Thread.Yield();
            }
        }
    }

    private bool TestOnce(ref nint request)
    {
        int done = 0;
        lock (world.Gate)
        {
            fixed (nint* r = &request)
            {
                world.Check(world.Mpi.Test(r, &done, null), "MPI_Test");
            }
        }

        return done != 0;
    }

    internal void PollNotices(string waitingIn, CollectiveCall call)
    {
        try
        {
            world.Control.Poll(waitingIn);
        }
        catch (WorkerFailedException)
        {
            world.MarkBroken($"{call} was left pending when another worker failed");
            throw;
        }
    }

    /// <summary>
    /// After <see cref="Timeout"/>: asks every worker what it is doing, waits up to ten seconds for the answers (the
    /// collective may still complete meanwhile, as <paramref name="completed"/> tells: then returns true), and throws
    /// naming the workers that did not answer or wait elsewhere.
    /// </summary>
    internal bool Diagnose(Func<bool> completed, CollectiveCall call, TimeSpan waited)
    {
        string waitingIn = call.ToString();
        world.Control.PingAll();
        long asked = Stopwatch.GetTimestamp();
        TimeSpan window = TimeSpan.FromSeconds(Math.Min(10, Math.Max(1, Timeout.TotalSeconds)));
        while (Stopwatch.GetElapsedTime(asked) < window)
        {
            if (completed())
            {
                return true;
            }

            PollNotices(waitingIn, call);
            Thread.Sleep(1);
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Worker {Rank} of {Size} waited {waited.TotalSeconds:0} s (the collective timeout) in {waitingIn}.");
        int failed = -1;
        for (int r = 0; r < Size; r++)
        {
            if (r == Rank)
            {
                continue;
            }

            string? answer = world.Control.AnswerOf(r);
            if (answer is null)
            {
                failed = failed < 0 ? r : failed;
                text.Append(CultureInfo.InvariantCulture,
                    $" Worker {r} did not answer within {window.TotalSeconds:0} s (killed, hung, or busy outside collectives for that long).");
            }
            else if (answer != waitingIn)
            {
                failed = failed < 0 ? r : failed;
                text.Append(CultureInfo.InvariantCulture, $" Worker {r} waits in {answer}.");
            }
        }

        world.MarkBroken($"{call} timed out");
        var timedOut = new WorkerFailedException(failed, text.ToString());
        MpiWorld.Report(timedOut);
        throw timedOut;
    }
}
