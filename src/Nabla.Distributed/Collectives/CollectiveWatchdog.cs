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
/// </summary>
internal sealed class CollectiveWatchdog
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(10);

    private readonly MpiCollectives _owner;
    private readonly MpiWorld _world;
    // Guards the watched call; the watchdog sleeps on it (Monitor.Wait) while nothing is watched.
    private readonly object _checking = new();
    private CollectiveCall? _current;
    private long _started;
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
            Monitor.PulseAll(_checking);
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
        while (true)
        {
            lock (_checking)
            {
                while (_current is null)
                {
                    Monitor.Wait(_checking);
                }
            }

            while (Check())
            {
                Thread.Sleep(s_pollInterval);
            }
        }
    }

    // One look at the notices (and, past the timeout, the diagnosis); false once the call is over.
    private bool Check()
    {
        lock (_checking)
        {
            if (_current is not { } call)
            {
                return false;
            }

            try
            {
                _owner.PollNotices(call.ToString(), call);
                _owner.ThrowIfDisagreedWhileRunning(call);
                TimeSpan waited = Stopwatch.GetElapsedTime(_started);
                if (waited > _owner.Timeout && _owner.Diagnose(() => _finished, call, waited))
                {
                    return false;
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

            return true;
        }
    }
}
