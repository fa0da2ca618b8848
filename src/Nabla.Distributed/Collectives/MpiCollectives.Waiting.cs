using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Collectives;

/// <summary>Waiting for a collective: polling, the other workers' notices, the timeout's diagnosis.</summary>
internal sealed unsafe partial class MpiCollectives
{
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
            ThrowIfDisagreedWhileRunning(call);
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
