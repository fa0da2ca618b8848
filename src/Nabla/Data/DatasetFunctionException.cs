namespace Nabla.Data;

/// <summary>
/// A user function of a dataset (<c>Map</c>, <c>Filter</c>, <c>FlatMap</c>) threw: the message names the operation
/// and the index of the element it failed on (its position in that operation's input during this iteration, from 0),
/// and <see cref="Exception.InnerException"/> is the function's exception. Raised in order on the iterating thread,
/// also when the function ran on a <c>Prefetch</c> or parallel-<c>Map</c> thread.
/// </summary>
public sealed class DatasetFunctionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetFunctionException()
        : base("A dataset function failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DatasetFunctionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the function's exception.</summary>
    public DatasetFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="operation"/> failing on element <paramref name="elementIndex"/>.</summary>
    public DatasetFunctionException(string operation, long elementIndex, Exception innerException)
        : base($"{operation}: the function failed on element {elementIndex} of its input: {innerException?.Message}", innerException)
    {
        Operation = operation;
        ElementIndex = elementIndex;
    }

    /// <summary>The dataset operation whose function failed (<c>Map</c>, <c>Filter</c>, <c>FlatMap</c>).</summary>
    public string? Operation { get; }

    /// <summary>The index of the element the function failed on, in the operation's input, from 0.</summary>
    public long ElementIndex { get; } = -1;
}
