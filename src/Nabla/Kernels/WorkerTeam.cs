using System.Diagnostics;

namespace Nabla.Kernels;

/// <summary>Work run by every member of a <see cref="WorkerTeam"/>; the calling thread is member 0.</summary>
internal abstract class TeamJob
{
    /// <summary>Runs member <paramref name="member"/>'s part; members meet at <paramref name="barrier"/>.</summary>
    /// <remarks>Must not throw: every member has to reach every barrier the others reach.</remarks>
    public abstract void Run(int member, int members, TeamBarrier barrier);
}

/// <summary>
/// A reusable barrier for a fixed number of members that spins briefly (the other member is normally a few
/// microseconds behind) and then blocks, so a descheduled member never burns the core another one needs.
/// </summary>
internal sealed class TeamBarrier
{
    private readonly object _gate = new();
    private int _members = 1;
    private int _remaining = 1;
    private int _generation;

    /// <summary>Prepares the barrier for <paramref name="members"/> members (only while nobody waits on it).</summary>
    public void Reset(int members)
    {
        _members = members;
        Volatile.Write(ref _remaining, members);
    }

    /// <summary>Waits until all members have called this method for the current phase.</summary>
    public void SignalAndWait()
    {
        int generation = Volatile.Read(ref _generation);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            Volatile.Write(ref _remaining, _members);
            lock (_gate)
            {
                Volatile.Write(ref _generation, generation + 1);
                Monitor.PulseAll(_gate);
            }

            return;
        }

        WorkerTeam.SpinThenBlock(ref _generation, generation, _gate);
    }
}

/// <summary>
/// Long-lived worker threads for the parallel GEMM driver and <see cref="ParallelFor"/>: one call runs one job on the calling thread plus
/// <c>members − 1</c> workers, which stay alive between calls (no thread-pool scheduling, no allocation per
/// call or per block). Workers spin for a short while after a job, ready for the next one, then block.
/// </summary>
internal sealed class WorkerTeam
{
    /// <summary>How long a waiting thread spins before it blocks.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private readonly TeamBarrier _barrier = new();
    private int _busy;
    private Worker[] _workers = [];

    /// <summary>Gets the process-wide team.</summary>
    public static WorkerTeam Shared { get; } = new();

    /// <summary>
    /// Runs <paramref name="job"/> on <paramref name="members"/> threads (the caller is member 0) and returns
    /// when all have finished; returns false without running it when another call is using the team.
    /// </summary>
    public bool TryRun(TeamJob job, int members)
    {
        // A flag rather than a monitor: monitors are reentrant, and a job must not start a nested run.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            EnsureWorkers(members - 1);
            _barrier.Reset(members);
            for (int i = 0; i < members - 1; i++)
            {
                _workers[i].Post(job, members);
            }

            job.Run(0, members, _barrier);
            _barrier.SignalAndWait();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }

        return true;
    }

    /// <summary>Spins until <paramref name="value"/> differs from <paramref name="seen"/>, then blocks on <paramref name="gate"/>.</summary>
    /// <remarks>Whoever changes the value must do so while holding <paramref name="gate"/> and pulse it.</remarks>
    internal static void SpinThenBlock(ref int value, int seen, object gate)
    {
        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
        var spinner = default(SpinWait);
        while (Volatile.Read(ref value) == seen)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (gate)
                {
                    while (Volatile.Read(ref value) == seen)
                    {
                        Monitor.Wait(gate);
                    }
                }

                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void EnsureWorkers(int count)
    {
        if (_workers.Length >= count)
        {
            return;
        }

        var workers = new Worker[count];
        Array.Copy(_workers, workers, _workers.Length);
        for (int i = _workers.Length; i < count; i++)
        {
            workers[i] = new Worker(i + 1, _barrier);
        }

        _workers = workers;
    }

    /// <summary>One worker thread with its own mailbox (so a worker not taking part never sees a job).</summary>
    private sealed class Worker
    {
        private readonly object _gate = new();
        private readonly int _member;
        private readonly TeamBarrier _barrier;
        private TeamJob? _job;
        private int _members;
        private int _posted;

        public Worker(int member, TeamBarrier barrier)
        {
            _member = member;
            _barrier = barrier;
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "Nabla worker " + member.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            thread.Start();
        }

        public void Post(TeamJob job, int members)
        {
            _job = job;
            _members = members;
            lock (_gate)
            {
                Volatile.Write(ref _posted, _posted + 1);
                Monitor.Pulse(_gate);
            }
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                SpinThenBlock(ref _posted, seen, _gate);
                seen = Volatile.Read(ref _posted);
                _job!.Run(_member, _members, _barrier);
                _job = null;
                _barrier.SignalAndWait();
            }
        }
    }
}
