using System.Diagnostics;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Collectives;

/// <summary>
/// Watches a blocking collective from a second thread (MPI_THREAD_MULTIPLE): while the caller waits inside
/// <c>MPI_Allreduce</c>, this thread reads the other workers' notices every few milliseconds (answering their pings
/// with the collective's description, as a polling wait does) and, after the collective timeout, asks every worker
/// what it is doing. It also reads the call's agreement check when it runs beside the call (<see cref="AgreementCheck"/>).
/// A blocked thread cannot be given an exception, so when a worker failed or does not answer, or the workers called
/// different collectives, the watchdog prints the message a polling wait throws, and ends the job (<c>MPI_Abort</c>).
/// <para>
/// Arming it costs the caller no thread switch: the thread wakes on its own every <see cref="PollInterval"/> and looks
/// only at a call that has run for at least that long, so the common call (a 1-64 MiB all-reduce takes 0.1-20 ms)
/// returns before the watchdog ever touches MPI. It used to be woken by every call and read the notices at once: a
/// thread switch and MPI calls beside the data, on cores the workers' spinning already fills (1 MiB all-reduces took
/// 1.066 times C's MPI_Allreduce in the same processes, 1.03-1.05 since: benchmarks/distributed, interleaved). After a
/// second with no call it parks, so an idle process is not woken a hundred times a second; the next call wakes it.
/// </para>
/// </summary>
internal sealed class CollectiveWatchdog
{
    /// <summary>How often the watched call's notices are read; a call shorter than this is never looked at.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    // Polls without any call armed before the thread parks.
    private const int IdlePollsBeforeParking = 100;

    private readonly MpiCollectives _owner;
    private readonly MpiWorld _world;

    // Guards the watched call and the parking; the watchdog parks on it (Monitor.Wait) after a while with no call.
    private readonly object _checking = new();
    private CollectiveCall? _current;
    private long _started;
    private long _armed;
    private bool _parked;
    private volatile bool _finished;

    public CollectiveWatchdog(MpiCollectives owner, MpiWorld world)
    {
        _owner = owner;
        _world = world;
        var thread = new Thread(Run) { IsBackground = true, Name = "Nabla.Distributed collective watchdog" };
        thread.Start();
    }

    /// <summary>Starts watching <paramref name="call"/> (the caller is about to block in it).</summary>
    public void Arm(CollectiveCall call)
    {
        lock (_checking)
        {
            _finished = false;
            _current = call;
            _started = Stopwatch.GetTimestamp();
            _armed++;
            if (_parked)
            {
                _parked = false;
                Monitor.Pulse(_checking);
            }
        }
    }

    /// <summary>Stops watching: the call returned. Waits for a check in progress, so the caller owns the control channel again.</summary>
    public void Disarm()
    {
        _finished = true;
        lock (_checking)
        {
            _current = null;
        }
    }

    private void Run()
    {
        long armedAtLastPoll = -1;
        int idlePolls = 0;
        while (true)
        {
            Thread.Sleep(PollInterval);
            lock (_checking)
            {
                if (_current is { } call)
                {
                    idlePolls = 0;
                    if (Stopwatch.GetElapsedTime(_started) >= PollInterval)
                    {
                        Check(call);
                    }
                }
                else if (_armed != armedAtLastPoll)
                {
                    idlePolls = 0;
                }
                else if (++idlePolls >= IdlePollsBeforeParking)
                {
                    _parked = true;
                    while (_parked)
                    {
                        Monitor.Wait(_checking);
                    }

                    idlePolls = 0;
                }

                armedAtLastPoll = _armed;
            }
        }
    }

    // One look at the notices (and, past the timeout, the diagnosis), under _checking.
    private void Check(CollectiveCall call)
    {
        try
        {
            _owner.PollNotices(call.ToString(), call);
            _owner.ThrowIfDisagreedWhileRunning(call);
            TimeSpan waited = Stopwatch.GetElapsedTime(_started);
            if (waited > _owner.Timeout)
            {
                _owner.Diagnose(() => _finished, call, waited);
            }
        }
        catch (WorkerFailedException failed)
        {
            MpiWorld.Report(failed);
            _world.Abort(failed);
        }
        catch (CollectiveMismatchException mismatch)
        {
            Console.Error.WriteLine($"Nabla.Distributed: {mismatch.Message}");
            _world.Abort(mismatch);
        }
    }
}
