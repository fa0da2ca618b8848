namespace Nabla.Distributed;

/// <summary>
/// Another worker failed (threw, was killed, hung, or ended its program early), so this worker stops instead of
/// waiting forever in a collective. <see cref="FailedWorker"/> names the worker, when it is known.
/// </summary>
public sealed class WorkerFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerFailedException()
        : this(-1, "A worker failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public WorkerFailedException(string message)
        : this(-1, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerFailedException(string message, Exception innerException)
        : base(message, innerException) => FailedWorker = -1;

    /// <summary>Creates the exception naming the failed worker.</summary>
    /// <param name="failedWorker">The failed worker's index (its MPI rank), or -1 when unknown.</param>
    /// <param name="message">What happened.</param>
    public WorkerFailedException(int failedWorker, string message)
        : base(message) => FailedWorker = failedWorker;

    /// <summary>The index (MPI rank) of the worker that failed, or -1 when it is not known.</summary>
    public int FailedWorker { get; }

    /// <summary>Whether the message was already printed to the standard error (where the failure was detected).</summary>
    internal bool Reported { get; set; }
}

/// <summary>
/// The workers called different collectives at the same point (a different kind, tensor size or dtype): a setup
/// error, such as models of different shapes or data sets of different sizes, caught before it becomes a deadlock.
/// The message lists what each worker called.
/// </summary>
public sealed class CollectiveMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CollectiveMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What each worker called.</param>
    public CollectiveMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What each worker called.</param>
    /// <param name="innerException">The cause.</param>
    public CollectiveMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An MPI call returned an error code; the message has MPI's text for it.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The call and MPI's error text.</param>
    public MpiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The call and MPI's error text.</param>
    /// <param name="innerException">The cause.</param>
    public MpiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an MPI error code.</summary>
    /// <param name="errorCode">The code the call returned.</param>
    /// <param name="message">The call and MPI's error text.</param>
    public MpiException(int errorCode, string message)
        : base(message) => ErrorCode = errorCode;

    /// <summary>The MPI error code.</summary>
    public int ErrorCode { get; }
}
