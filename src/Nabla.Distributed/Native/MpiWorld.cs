using System.Diagnostics.CodeAnalysis;

namespace Nabla.Distributed.Native;

/// <summary>
/// The process's MPI session: initialised once, on the first <see cref="MultiWorkerMirroredStrategy"/> of a process
/// started by an MPI launcher, and finalised when the process exits (MPI cannot be initialised twice). Every MPI call
/// goes through <see cref="Gate"/> (MPI_THREAD_SERIALIZED: any thread, one at a time). Collectives run on their own
/// duplicate of <c>MPI_COMM_WORLD</c>, their agreement checks on a second (<see cref="Collectives.AgreementCheck"/>: a
/// check may run beside a collective), failure notices on a third (<see cref="ControlChannel"/>), so none of them ever
/// matches another's messages.
/// </summary>
internal sealed unsafe class MpiWorld
{
    private static readonly Lock s_creation = new();
    private static MpiWorld? s_instance;
    private bool _finalized;

    private MpiWorld(OpenMpi mpi)
    {
        Mpi = mpi;
        int initialized = 0;
        Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            // Multiple, where the library has it: a watchdog thread then reads notices while a large all-reduce blocks.
            int provided = 0;
            Check(mpi.InitThread(null, null, OpenMpi.ThreadMultiple, &provided), "MPI_Init_thread");
            ThreadMultiple = provided >= OpenMpi.ThreadMultiple;
        }

        // Errors come back as codes (turned into exceptions) instead of aborting the job without a word.
        Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0;
        int size = 0;
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        nint data = 0;
        nint check = 0;
        nint control = 0;
        Check(mpi.CommDup(mpi.CommWorld, &data), "MPI_Comm_dup");
        Check(mpi.CommDup(mpi.CommWorld, &check), "MPI_Comm_dup");
        Check(mpi.CommDup(mpi.CommWorld, &control), "MPI_Comm_dup");
        DataComm = data;
        CheckComm = check;
        Control = new ControlChannel(this, control);

        AppDomain.CurrentDomain.UnhandledException += (_, e) => OnUnhandledException(e.ExceptionObject as Exception);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeAtExit();
    }

    /// <summary>The bound library.</summary>
    public OpenMpi Mpi { get; }

    /// <summary>Whether MPI runs with MPI_THREAD_MULTIPLE (this process initialized it so and the library provides it).</summary>
    public bool ThreadMultiple { get; }

    /// <summary>Held around every MPI call.</summary>
    public Lock Gate { get; } = new();

    /// <summary>This process's rank in <c>MPI_COMM_WORLD</c>.</summary>
    public int Rank { get; }

    /// <summary>The number of processes.</summary>
    public int Size { get; }

    /// <summary>The communicator collectives run on.</summary>
    public nint DataComm { get; }

    /// <summary>The communicator the agreement checks of collectives run on.</summary>
    public nint CheckComm { get; }

    /// <summary>Failure, departure and liveness notices between workers.</summary>
    public ControlChannel Control { get; }

    /// <summary>
    /// Why the job can no longer run collectives (a worker failed, a collective timed out or was left pending), or
    /// <c>null</c> while it can.
    /// </summary>
    public string? Broken { get; private set; }

    /// <summary>
    /// Whether an MPI launcher started this process: Open MPI's <c>mpirun</c> sets <c>OMPI_COMM_WORLD_SIZE</c>, PMIx
    /// launchers (Slurm's <c>srun --mpi=pmix</c>) set <c>PMIX_RANK</c>. <c>NABLA_DISTRIBUTED=0</c> forces one worker.
    /// </summary>
    public static bool IsLaunched =>
        Environment.GetEnvironmentVariable("NABLA_DISTRIBUTED") != "0"
        && (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null
            || Environment.GetEnvironmentVariable("PMIX_RANK") is not null);

    /// <summary>The process's session, initialising MPI on first use.</summary>
    public static MpiWorld Get()
    {
        lock (s_creation)
        {
            return s_instance ??= new MpiWorld(OpenMpi.Load());
        }
    }

    /// <summary>Throws <see cref="WorkerFailedException"/> when the job is broken (see <see cref="Broken"/>).</summary>
    public void ThrowIfBroken()
    {
        if (Broken is { } reason)
        {
            throw new WorkerFailedException(-1, $"Worker {Rank} of {Size}: no more collectives can run: {reason}");
        }
    }

    /// <summary>Marks the job broken: a collective is left pending, so the next one could never match.</summary>
    public void MarkBroken(string reason) => Broken ??= reason;

    /// <summary>Turns an MPI error code into an exception naming the call.</summary>
    /// <exception cref="MpiException">When <paramref name="code"/> is not <c>MPI_SUCCESS</c>.</exception>
    public void Check(int code, string call)
    {
        if (code != OpenMpi.Success)
        {
            throw new MpiException(code, $"{call} failed on worker {Rank} of {Size}: {Mpi.DescribeError(code)} (MPI error {code}).");
        }
    }

    /// <summary>
    /// Ends the job: tells the other workers why (so they stop naming this one instead of waiting for a timeout), then
    /// <c>MPI_Abort</c>, which makes the launcher end every process.
    /// </summary>
    [DoesNotReturn]
    public void Abort(Exception? cause)
    {
        if (cause is not WorkerFailedException && Broken is null)
        {
            MarkBroken($"worker {Rank} failed");
            string text = cause is null ? "unknown failure" : $"{cause.GetType().FullName}: {cause.Message}";
            Control.NotifyFailure(text);
        }

        Console.Error.Flush();
        lock (Gate)
        {
            Mpi.Abort(Mpi.CommWorld, 1);
        }

        Environment.Exit(1);
        throw new InvalidOperationException("MPI_Abort returned.");
    }

    private void OnUnhandledException(Exception? exception)
    {
        if (_finalized)
        {
            return;
        }

        if (exception is WorkerFailedException failed)
        {
            Report(failed);
        }
        else
        {
            Console.Error.WriteLine($"Nabla.Distributed: worker {Rank} of {Size} failed: {exception}");
        }

        Abort(exception);
    }

    /// <summary>Prints a <see cref="WorkerFailedException"/> to the standard error once, as soon as it is known.</summary>
    public static void Report(WorkerFailedException exception)
    {
        if (!exception.Reported)
        {
            exception.Reported = true;
            Console.Error.WriteLine($"Nabla.Distributed: {exception.Message}");
            Console.Error.Flush();
        }
    }

    private void FinalizeAtExit()
    {
        if (_finalized)
        {
            return;
        }

        _finalized = true;
        if (Broken is { } reason)
        {
            // A collective may still be pending: MPI_Finalize would wait for it forever.
            Console.Error.WriteLine($"Nabla.Distributed: worker {Rank} of {Size} exits while the job is broken ({reason}): aborting.");
            lock (Gate)
            {
                Mpi.Abort(Mpi.CommWorld, 1);
            }

            return;
        }

        Control.NotifyLeaving();
        lock (Gate)
        {
            Mpi.Finalize();
        }
    }
}
