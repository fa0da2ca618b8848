using System.Diagnostics;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Collectives;

/// <summary>
/// Collectives across the processes of an MPI job. Each one is checked (<see cref="AgreementCheck"/>: every worker
/// calls the same collective; an all-reduce whose layout every worker agreed on before is checked beside its data
/// instead of before it), then runs the non-blocking MPI call and waits for it by
/// polling <c>MPI_Test</c>, reading the other workers' notices in between (<see cref="ControlChannel"/>) and
/// stopping after <see cref="Timeout"/> with an error that names the workers that no longer answer. All-reduces of
/// <see cref="BlockingAllReduceBytes"/> or more call the blocking <c>MPI_Allreduce</c> instead, watched from a second
/// thread by <see cref="CollectiveWatchdog"/> (when MPI provides MPI_THREAD_MULTIPLE): Open MPI's non-blocking
/// all-reduce (libnbc, progressed only by <c>MPI_Test</c>) took 2.1-2.3 times its blocking one at 16-64 MiB.
/// </summary>
internal sealed unsafe partial class MpiCollectives(MpiWorld world, TimeSpan timeout) : Collectives
{
    /// <summary>From this size on, an all-reduce is one blocking MPI call with a watchdog beside it.</summary>
    public const long BlockingAllReduceBytes = 1 << 20;

    // MPI counts are ints: larger buffers go in pieces.
    private const int MaxChunk = 1 << 30;
    private readonly AgreementCheck _agreement = new(world);
    private Series? _series;
    private long _sequence;
    private CollectiveWatchdog? _watchdog;

    public override int Rank => world.Rank;

    /// <summary>
    /// The <see cref="Stopwatch"/> ticks this worker has spent inside the MPI calls that move all-reduces' data (a
    /// blocking <c>MPI_Allreduce</c>, or a non-blocking one from its start to its completion): the benchmark subtracts
    /// them from its call's time to measure what the managed layer itself adds, in the same run (two timestamps per
    /// call, against an all-reduce's microseconds at least).
    /// </summary>
    internal long TicksInsideAllReduceData { get; private set; }

    public override int Size => world.Size;

    public override bool CallableFromAnyThread => world.ThreadMultiple;

    /// <summary>How long a collective may wait before the workers that do not answer are named and the job stops.</summary>
    public TimeSpan Timeout { get; } = timeout;

    public override void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
    {
        int dtype = DTypeIndex<T>();
        long dataCall = AgreementCheck.DataCall(dtype, data.Length);
        CollectiveCall call;
        if (!checkAgreement && _series is { } series)
        {
            // The series' check goes with its first all-reduce, which takes its number (so a worker released from it
            // after a disagreement, see ReleaseWorkersWaitingInData, is at the same number as the others).
            _series = null;
            long sequence = Begin(CollectiveKind.AllReduce, series.Purpose, series.DType, series.Count, -1, series.Detail, true, series.Layout,
                dataCall).Sequence;
            call = new CollectiveCall(sequence, CollectiveKind.AllReduce, purpose, dtype, data.Length, -1, detail);
        }
        else
        {
            call = Begin(CollectiveKind.AllReduce, purpose, dtype, data.Length, -1, detail, checkAgreement, 0, dataCall);
        }

        try
        {
            RunAllReduce(data, call);
        }
        catch (MpiException failed) when (_agreement.Deferred is not null)
        {
            // Workers in all-reduces of different sizes can make MPI fail (a message longer than the receive): the
            // disagreement, when the check beside it read one, is what the user needs to know.
            ThrowDisagreementBehind(failed, call);
            throw;
        }

        FinishDeferredCheck();
    }

    /// <summary>
    /// Checks a series of all-reduces (a fused all-reduce's buckets) with the first of them, which must follow with
    /// <c>checkAgreement: false</c>: so the check can run beside that first all-reduce once the series' layout is known
    /// to every worker. Other collectives are checked at once.
    /// </summary>
    public override void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail)
    {
        if (kind == CollectiveKind.AllReduce)
        {
            _series = new Series(purpose, dtype, count, layout, detail);
            return;
        }

        Begin(kind, purpose, dtype, count, -1, detail, true, layout);
    }

    /// <summary>The MPI all-reduce of <paramref name="data"/>, in place; the call is numbered and checked.</summary>
    private void RunAllReduce<T>(Span<T> data, CollectiveCall call)
        where T : unmanaged
    {
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
                    long entered = Stopwatch.GetTimestamp();
                    try
                    {
                        code = world.Mpi.Allreduce(OpenMpi.InPlace, p + offset, count, type, op, world.DataComm);
                    }
                    finally
                    {
                        TicksInsideAllReduceData += Stopwatch.GetTimestamp() - entered;
                        _watchdog.Disarm();
                    }

                    world.Check(code, "MPI_Allreduce");
                    continue;
                }

                nint request = 0;
                long started = Stopwatch.GetTimestamp();
                lock (world.Gate)
                {
                    world.Check(world.Mpi.Iallreduce(OpenMpi.InPlace, p + offset, count, type, op, world.DataComm, &request), "MPI_Iallreduce");
                }

                Wait(ref request, call);
                TicksInsideAllReduceData += Stopwatch.GetTimestamp() - started;
            }
        }
    }

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
        CollectiveCall call = Begin(CollectiveKind.AllGather, purpose, -1, mine.Length, -1, detail, true);
        int[] lengths = new int[Size];
        int[] offsets = new int[Size];
        long total = 0;
        for (int r = 0; r < Size; r++)
        {
            offsets[r] = (int)total;
            lengths[r] = (int)_agreement.CountOf(r);
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
    /// Numbers the call and, unless <paramref name="checkAgreement"/> is false, checks that every worker calls the same
    /// collective, throwing <see cref="CollectiveMismatchException"/> (on every worker alike) when not: before the call,
    /// or, for an all-reduce whose signature every worker agreed on before, beside it (<see cref="AgreementCheck"/>;
    /// <paramref name="dataCall"/> describes the all-reduce that then starts at once).
    /// </summary>
    private CollectiveCall Begin(CollectiveKind kind, Purpose purpose, int dtype, long count, int root, string detail, bool checkAgreement,
        long layout = 0, long dataCall = 0)
    {
        world.ThrowIfBroken();
        var call = new CollectiveCall(++_sequence, kind, purpose, dtype, count, root, detail);
        if (!checkAgreement)
        {
            return call;
        }

        // The check's buffers are reused: a check left beside an earlier collective is compared first. A series whose
        // first all-reduce never came (its caller threw) is dropped, on every worker alike.
        _series = null;
        FinishDeferredCheck();
        bool beside = dataCall != 0 && _agreement.AgreedBefore(kind, purpose, dtype, count, root, layout);
        _agreement.Post(call, layout, beside ? dataCall : 0);
        if (beside)
        {
            _agreement.Defer(call);
            return call;
        }

        Wait(ref _agreement.Request, call);
        if (_agreement.Compare(call) is { } mismatch)
        {
            ReleaseWorkersWaitingInData(call);
            throw new CollectiveMismatchException(mismatch);
        }

        return call;
    }

    /// <summary>
    /// After a disagreement read before this worker's collective started: the workers whose check ran beside their
    /// all-reduce (a layout agreed before) are waiting in it; when they all wait in the same one, this worker joins it
    /// with zeros, so that it completes and they too throw the disagreement, and the job can go on. (When they wait in
    /// different ones, none can complete: they stop after <see cref="AgreementCheck.MismatchGrace"/>.)
    /// </summary>
    private void ReleaseWorkersWaitingInData(CollectiveCall call)
    {
        if (_agreement.CommonDataCall() is not (int dtype, int count))
        {
            return;
        }

        var release = new CollectiveCall(call.Sequence, CollectiveKind.AllReduce, call.Purpose, dtype, count, -1,
            "joined with zeros, so that the workers waiting in it see the disagreement");
        DType type = DType.All[dtype];
        if (type == DType.Float32)
        {
            RunAllReduce<float>(new float[count], release);
        }
        else if (type == DType.Float64)
        {
            RunAllReduce<double>(new double[count], release);
        }
        else if (type == DType.Int32)
        {
            RunAllReduce<int>(new int[count], release);
        }
        else if (type == DType.Int64)
        {
            RunAllReduce<long>(new long[count], release);
        }
        else if (type == DType.Float16)
        {
            RunAllReduce<Half>(new Half[count], release);
        }
        else if (type == DType.BFloat16)
        {
            RunAllReduce<BFloat16>(new BFloat16[count], release);
        }
    }

    /// <summary>
    /// Compares the check left beside the collective that just completed (normally complete by now: it progressed
    /// with the data), throwing <see cref="CollectiveMismatchException"/> on every worker alike when the workers disagree.
    /// </summary>
    private void FinishDeferredCheck()
    {
        if (EndDeferredCheck() is { } mismatch)
        {
            throw new CollectiveMismatchException(mismatch);
        }
    }

    // The deferred check's outcome (null: the workers agree, or there is none), waiting for it when not read yet.
    private string? EndDeferredCheck()
    {
        if (_agreement.Deferred is not { } check)
        {
            return null;
        }

        string? mismatch = _agreement.EndDeferral();
        if (mismatch is null)
        {
            Wait(ref _agreement.Request, check);
            mismatch = _agreement.Compare(check);
        }

        return mismatch;
    }

    /// <summary>
    /// After <paramref name="call"/>, run beside its deferred check, failed in MPI: waits for the check and, when the
    /// workers disagreed, marks the job broken (the failed collective's state is unknown) and throws the disagreement.
    /// </summary>
    private void ThrowDisagreementBehind(MpiException failed, CollectiveCall call)
    {
        if (EndDeferredCheck() is { } mismatch)
        {
            world.MarkBroken($"{call} failed in MPI after the workers called different collectives");
            throw new CollectiveMismatchException($"{mismatch} MPI failed in {call}: {failed.Message}", failed);
        }
    }

    /// <summary>
    /// While <paramref name="call"/> runs beside its deferred check: when the check disagreed and the call has not
    /// completed within <see cref="AgreementCheck.MismatchGrace"/>, marks the job broken and throws (the call waits for
    /// workers that are in another collective).
    /// </summary>
    internal void ThrowIfDisagreedWhileRunning(CollectiveCall call)
    {
        if (_agreement.DisagreementPastGrace() is { } message)
        {
            world.MarkBroken($"{call} was left pending: the workers called different collectives");
            throw new CollectiveMismatchException(message);
        }
    }

    /// <summary>A series of all-reduces checked with its first (<see cref="CheckAgreement"/>).</summary>
    private readonly record struct Series(Purpose Purpose, int DType, long Count, long Layout, string Detail);
}
