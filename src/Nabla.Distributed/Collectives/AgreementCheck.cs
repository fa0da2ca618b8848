using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Collectives;

/// <summary>
/// The check that every worker is about to run the same collective: each worker's 64-byte descriptor of its call
/// (sequence number, kind, purpose, dtype, element count, root, a hash of the tensor sizes) is all-gathered on a
/// communicator of its own (<see cref="MpiWorld.CheckComm"/>) and compared, so a setup error (models of different
/// shapes, data sets of different sizes) fails with <see cref="CollectiveMismatchException"/> instead of a deadlock.
/// <para>
/// The first all-reduce of a signature (kind, purpose, dtype, count, root and layout) waits for its check before its
/// data moves: a mismatch there throws on every worker alike and the job goes on. Once every worker has agreed on a
/// signature it is remembered (the same on every worker: they compare the same table), and a later all-reduce of it
/// posts its check and starts its data at once; the check completes during the data collective (Open MPI progresses
/// both in one loop) and is compared when the data is summed. So an all-reduce repeated with one layout, as every
/// training step's gradients are, pays no wait before it.
/// </para>
/// <para>
/// A layout that changes later on one worker is still checked: that worker's signature is new, so it waits for the
/// check and reads the disagreement; the others read it beside their all-reduce, which cannot complete without it. The
/// descriptor of a check posted beside an all-reduce names that all-reduce (its dtype and count), so the worker that
/// read the disagreement first joins it with zeros; the others' all-reduce completes, they throw the same
/// <see cref="CollectiveMismatchException"/>, and the job goes on. Only when the workers waiting beside their checks
/// wait in different all-reduces (two layouts agreed before, called at once) can none be released: two seconds after
/// the disagreement was read the job is marked broken, the polling wait throws, a blocking all-reduce's watchdog
/// prints the message and ends the job.
/// </para>
/// </summary>
internal sealed unsafe class AgreementCheck
{
    /// <summary>How long a collective whose deferred check disagreed may still complete (same count, other layout).</summary>
    public static readonly TimeSpan MismatchGrace = TimeSpan.FromSeconds(2);

    private const int DescriptorLength = 8;

    // Bounded so that a program all-reducing ever new sizes cannot grow it without end; every worker clears it at the
    // same call, since every worker adds the same signatures in the same order.
    private const int MaxRemembered = 1024;

    private readonly MpiWorld _world;

    // Pinned: a deferred check's buffers are in use by MPI after the call that posted them returned.
    private readonly long[] _mine = GC.AllocateArray<long>(DescriptorLength, pinned: true);
    private readonly long[] _table;
    private readonly HashSet<Signature> _agreed = [];
    private nint _request;
    private long _layout;
    private long _disagreedAt;
    private string? _disagreement;

    public AgreementCheck(MpiWorld world)
    {
        _world = world;
        _table = GC.AllocateArray<long>(world.Size * DescriptorLength, pinned: true);
    }

    /// <summary>The call whose check was posted beside its data collective and not yet compared, or null.</summary>
    public CollectiveCall? Deferred { get; private set; }

    /// <summary>The pending all-gather of the descriptors, for <c>MPI_Test</c>.</summary>
    public ref nint Request => ref _request;

    /// <summary>The element count worker <paramref name="rank"/> gave in the last completed check.</summary>
    public long CountOf(int rank) => _table[(rank * DescriptorLength) + 4];

    /// <summary>
    /// The last descriptor value of a check posted beside an all-reduce: that all-reduce's dtype and element count (the
    /// call the other workers must join to release this one, see <see cref="CommonDataCall"/>).
    /// </summary>
    public static long DataCall(int dtype, long count) => ((long)(dtype + 1) << 56) | count;

    /// <summary>
    /// Starts the all-gather of this worker's descriptor of <paramref name="call"/>; <paramref name="dataCall"/> is
    /// <see cref="DataCall"/> when this worker starts an all-reduce beside the check, else 0.
    /// </summary>
    public void Post(CollectiveCall call, long layout, long dataCall)
    {
        _mine[0] = call.Sequence;
        _mine[1] = (long)call.Kind;
        _mine[2] = (long)call.Purpose;
        _mine[3] = call.DType;
        _mine[4] = call.Count;
        _mine[5] = call.Root;
        _mine[6] = layout;
        _mine[7] = dataCall;
        _layout = layout;
        fixed (long* send = _mine)
        fixed (long* receive = _table)
        fixed (nint* request = &_request)
        {
            lock (_world.Gate)
            {
                _world.Check(_world.Mpi.Iallgather(send, DescriptorLength, _world.Mpi.Int64, receive, DescriptorLength, _world.Mpi.Int64,
                    _world.CheckComm, request), "MPI_Iallgather");
            }
        }
    }

    /// <summary>
    /// Whether every worker agreed on this all-reduce's signature before: then its check may run beside its data
    /// collective and be compared after it (<see cref="Defer"/>). All-reduces only (an all-gather's counts differ).
    /// </summary>
    public bool AgreedBefore(CollectiveKind kind, Purpose purpose, int dtype, long count, int root, long layout) =>
        kind == CollectiveKind.AllReduce && _agreed.Contains(new Signature(kind, purpose, dtype, count, root, layout));

    /// <summary>
    /// The all-reduce (dtype index and element count) that the workers whose check ran beside it are waiting in, after
    /// a completed check: null when none is, or when they wait in different ones.
    /// </summary>
    public (int DType, int Count)? CommonDataCall()
    {
        long common = 0;
        for (int r = 0; r < _world.Size; r++)
        {
            long theirs = _table[(r * DescriptorLength) + 7];
            if (theirs != 0 && common != 0 && theirs != common)
            {
                return null;
            }

            common = theirs == 0 ? common : theirs;
        }

        return common == 0 ? null : ((int)(common >>> 56) - 1, (int)(common & ((1L << 56) - 1)));
    }

    /// <summary>Leaves the posted check of <paramref name="call"/> to be compared once its data collective completes.</summary>
    public void Defer(CollectiveCall call)
    {
        Deferred = call;
        _disagreedAt = 0;
        _disagreement = null;
    }

    /// <summary>
    /// Compares the completed check of <paramref name="call"/>: null when every worker called the same collective (an
    /// all-reduce's signature is then remembered), else the message every worker alike throws.
    /// </summary>
    public string? Compare(CollectiveCall call)
    {
        bool countsMustMatch = call.Kind != CollectiveKind.AllGather;
        for (int r = 0; r < _world.Size; r++)
        {
            ReadOnlySpan<long> theirs = _table.AsSpan(r * DescriptorLength, DescriptorLength);
            bool same = theirs[0] == _mine[0] && theirs[1] == _mine[1] && theirs[2] == _mine[2] && theirs[3] == _mine[3]
                && theirs[5] == _mine[5] && theirs[6] == _mine[6] && (!countsMustMatch || theirs[4] == _mine[4]);
            if (!same)
            {
                return MismatchMessage(call);
            }
        }

        if (call.Kind == CollectiveKind.AllReduce)
        {
            if (_agreed.Count >= MaxRemembered)
            {
                _agreed.Clear();
            }

            _agreed.Add(SignatureOf(call, _layout));
        }

        return null;
    }

    /// <summary>
    /// For a data collective still running beside the deferred check (called every few milliseconds while it runs):
    /// once the check completed with a disagreement and <see cref="MismatchGrace"/> has passed since, the message to
    /// stop with (the collective will not complete: the workers called different ones); else null. A check that
    /// completed in agreement ends the deferral.
    /// </summary>
    public string? DisagreementPastGrace()
    {
        if (Deferred is not { } call)
        {
            return null;
        }

        if (_disagreement is null)
        {
            if (!Completed())
            {
                return null;
            }

            _disagreement = Compare(call);
            if (_disagreement is null)
            {
                Deferred = null;
                return null;
            }

            _disagreedAt = Stopwatch.GetTimestamp();
        }

        return Stopwatch.GetElapsedTime(_disagreedAt) < MismatchGrace
            ? null
            : $"{_disagreement} Worker {_world.Rank} had started {call} beside its check (its layout was agreed before) and that " +
              "collective cannot be cancelled: this job can run no more collectives.";
    }

    /// <summary>
    /// Ends the deferral once the data collective completed: returns the disagreement <see cref="DisagreementPastGrace"/>
    /// read meanwhile, or null when the check is still to be waited for and compared (or there is none).
    /// </summary>
    public string? EndDeferral()
    {
        string? disagreement = _disagreement;
        _disagreement = null;
        Deferred = null;
        return disagreement;
    }

    private bool Completed()
    {
        int done = 0;
        lock (_world.Gate)
        {
            fixed (nint* request = &_request)
            {
                _world.Check(_world.Mpi.Test(request, &done, null), "MPI_Test");
            }
        }

        return done != 0;
    }

    private static Signature SignatureOf(CollectiveCall call, long layout) =>
        new(call.Kind, call.Purpose, call.DType, call.Count, call.Root, layout);

    private string MismatchMessage(CollectiveCall call)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"The workers called different collectives (a setup error: models of different shapes, data sets of different sizes, or a collective called on some workers only). Worker {_world.Rank} called {call}.");
        for (int r = 0; r < _world.Size; r++)
        {
            ReadOnlySpan<long> d = _table.AsSpan(r * DescriptorLength, DescriptorLength);
            string description = CollectiveCall.Describe(d[0], (CollectiveKind)d[1], (Purpose)d[2], (int)d[3], d[4], (int)d[5], null);
            string layout = d[6] == _mine[6] ? string.Empty : " with tensors of other sizes";
            text.Append(CultureInfo.InvariantCulture, $" Worker {r}: {description}{layout}.");
        }

        return text.ToString();
    }

    private readonly record struct Signature(CollectiveKind Kind, Purpose Purpose, int DType, long Count, int Root, long Layout);
}
