using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Nabla.Distributed.Native;

/// <summary>
/// Small messages between workers, on a communicator of their own, read while a worker waits for a collective:
/// "I failed" (the readers stop with <see cref="WorkerFailedException"/> naming the sender instead of waiting
/// forever), "I left" (the process ended normally: a reader still waiting for it is out of step), and the
/// ping/answer exchange a timed-out collective uses to name the workers that no longer answer.
/// </summary>
internal sealed unsafe class ControlChannel(MpiWorld world, nint comm)
{
    private const int NoticeFailed = 1;
    private const int NoticeLeft = 2;
    private const int NoticePing = 3;
    private const int NoticeAnswer = 4;
    private const int NoticeAcknowledged = 5;

    // Sends in flight and their native buffers, freed once complete.
    private readonly List<(nint Request, nint Buffer)> _sends = [];
    private readonly long[] _leftAt = new long[world.Size];
    private readonly string?[] _answers = new string?[world.Size];
    private int _acknowledgements;

    /// <summary>How long a worker still waits for a collective after a worker it needs has left the job.</summary>
    public static TimeSpan LeftGrace { get; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Reads the notices that arrived while waiting in <paramref name="waitingIn"/>: answers pings, and throws when a
    /// worker failed or left too long ago.
    /// </summary>
    /// <exception cref="WorkerFailedException">When another worker failed, or left while this one still waits for it.</exception>
    public void Poll(string waitingIn)
    {
        CompleteSends();
        while (TryReceive(out int source, out int notice, out string text))
        {
            switch (notice)
            {
                case NoticeFailed:
                    // Reported here, before the acknowledgement lets the failed worker end the job (and this process).
                    world.MarkBroken($"worker {source} failed");
                    var failed = new WorkerFailedException(source,
                        $"Worker {source} of {world.Size} failed ({text}); worker {world.Rank} stops (it was waiting in {waitingIn}).");
                    MpiWorld.Report(failed);
                    Send(source, NoticeAcknowledged, string.Empty);
                    throw failed;
                case NoticeLeft:
                    _leftAt[source] = Stopwatch.GetTimestamp();
                    break;
                case NoticePing:
                    Send(source, NoticeAnswer, waitingIn);
                    break;
                case NoticeAnswer:
                    _answers[source] = text;
                    break;
                case NoticeAcknowledged:
                    _acknowledgements++;
                    break;
            }
        }

        for (int peer = 0; peer < _leftAt.Length; peer++)
        {
            if (_leftAt[peer] != 0 && Stopwatch.GetElapsedTime(_leftAt[peer]) > LeftGrace)
            {
                world.MarkBroken($"worker {peer} left the job");
                var left = new WorkerFailedException(peer,
                    $"Worker {peer} of {world.Size} ended its program while worker {world.Rank} still waits in {waitingIn}: " +
                    "the workers ran different numbers of collectives (different data sizes, or a branch taken on one worker only?).");
                MpiWorld.Report(left);
                throw left;
            }
        }
    }

    /// <summary>Asks every other worker what it is doing; their answers come in through <see cref="Poll"/>.</summary>
    public void PingAll()
    {
        Array.Clear(_answers);
        for (int peer = 0; peer < world.Size; peer++)
        {
            if (peer != world.Rank)
            {
                Send(peer, NoticePing, string.Empty);
            }
        }
    }

    /// <summary>The answer of <paramref name="peer"/> to the last <see cref="PingAll"/>, or <c>null</c>.</summary>
    public string? AnswerOf(int peer) => _answers[peer];

    /// <summary>Whether <paramref name="peer"/> has said it left the job.</summary>
    public bool HasLeft(int peer) => _leftAt[peer] != 0;

    /// <summary>
    /// Tells every other worker that this one failed, and waits up to two seconds for them to acknowledge, so they
    /// report this worker's error before the launcher ends them.
    /// </summary>
    public void NotifyFailure(string text)
    {
        try
        {
            _acknowledgements = 0;
            for (int peer = 0; peer < world.Size; peer++)
            {
                if (peer != world.Rank)
                {
                    Send(peer, NoticeFailed, text);
                }
            }

            long start = Stopwatch.GetTimestamp();
            while (_acknowledgements < world.Size - 1 && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(2))
            {
                CompleteSends();
                while (TryReceive(out _, out int notice, out _))
                {
                    _acknowledgements += notice == NoticeAcknowledged ? 1 : 0;
                }

                Thread.Sleep(1);
            }

            // Lets the launcher forward what the other workers printed before MPI_Abort ends them.
            Thread.Sleep(200);
        }
        catch (MpiException)
        {
            // Best effort: the job is ending anyway.
        }
    }

    /// <summary>Tells every other worker that this one's program has ended (called before <c>MPI_Finalize</c>).</summary>
    public void NotifyLeaving()
    {
        try
        {
            for (int peer = 0; peer < world.Size; peer++)
            {
                if (peer != world.Rank)
                {
                    Send(peer, NoticeLeft, string.Empty);
                }
            }

            long start = Stopwatch.GetTimestamp();
            while (_sends.Count > 0 && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(1))
            {
                CompleteSends();
            }
        }
        catch (MpiException)
        {
            // Best effort: a notice that cannot be sent leaves the watchdog to name this worker.
        }
    }

    private void Send(int peer, int notice, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        nint buffer = (nint)NativeMemory.Alloc((nuint)Math.Max(1, length));
        Encoding.UTF8.GetBytes(text, new Span<byte>((void*)buffer, length));
        nint request = 0;
        lock (world.Gate)
        {
            world.Check(world.Mpi.Isend((void*)buffer, length, world.Mpi.Byte, peer, notice, comm, &request), "MPI_Isend");
        }

        _sends.Add((request, buffer));
    }

    private void CompleteSends()
    {
        for (int i = _sends.Count - 1; i >= 0; i--)
        {
            nint request = _sends[i].Request;
            int done = 0;
            lock (world.Gate)
            {
                world.Check(world.Mpi.Test(&request, &done, null), "MPI_Test");
            }

            if (done != 0)
            {
                NativeMemory.Free((void*)_sends[i].Buffer);
                _sends.RemoveAt(i);
            }
        }
    }

    private bool TryReceive(out int source, out int notice, out string text)
    {
        OpenMpi.Status status = default;
        int flag = 0;
        int length = 0;
        lock (world.Gate)
        {
            world.Check(world.Mpi.Iprobe(OpenMpi.Any, OpenMpi.Any, comm, &flag, &status), "MPI_Iprobe");
            if (flag == 0)
            {
                (source, notice, text) = (-1, 0, string.Empty);
                return false;
            }

            world.Check(world.Mpi.GetCount(&status, world.Mpi.Byte, &length), "MPI_Get_count");
        }

        byte[] bytes = new byte[length];
        fixed (byte* p = bytes)
        {
            lock (world.Gate)
            {
                world.Check(world.Mpi.Recv(p, length, world.Mpi.Byte, status.Source, status.Tag, comm, null), "MPI_Recv");
            }
        }

        (source, notice, text) = (status.Source, status.Tag, Encoding.UTF8.GetString(bytes));
        return true;
    }
}
