namespace Nabla;

/// <summary>
/// Lent reads: how an eager op reads a variable without taking away its right to be updated in place.
/// </summary>
/// <remarks>
/// A snapshot (<see cref="Variable.ReadForOp"/>) may be kept by anyone, so it makes the buffer shared for good and the
/// next optimizer step must allocate a new one: for a 784 × 128 kernel, 401 KB per step on the large-object heap,
/// which without the GC settings of Nabla's package costs a page fault per 4 KiB of it (docs/ARCHITECTURE.md,
/// "Memory"). An eager op's input needs less: the kernel reads it while the op runs, and a recording tape keeps it
/// for the backward pass. So <see cref="EagerContext"/> lends the buffer instead (<see cref="Lend"/>), and every place
/// a lent read can reach holds a lease or gives up exclusivity:
/// <list type="bullet">
/// <item>the op call holds a lease until it returns;</item>
/// <item>a tape's recording that keeps it (as an input or as the read it records) holds a lease until the recording is
/// let go: after a non-persistent tape's gradient, or when the recording is collected;</item>
/// <item>an output sharing its buffer (Reshape, Identity, a custom gradient returning its input), a gradient rule
/// returning it, or any use outside an eager op (<see cref="LentRead.ReadForOp"/>: conversions, constants, datasets)
/// marks the variable shared, as a snapshot does.</item>
/// </list>
/// A graph then writes into the buffer only when it is exclusive and no lease is out (<see cref="IsExclusive"/>),
/// so no tensor that can still be read sees the change. Leases are counted per variable, not per buffer: one still
/// out on an older buffer only costs an allocation.
/// </remarks>
public partial class Variable
{
    // Lent reads still out: op calls running and tape recordings keeping one (see the remarks above).
    private int _leases;

    /// <summary>
    /// The current value for an eager op's input, lent rather than shown: the caller returns the lease with
    /// <see cref="ReturnLease"/> when the op has run. Recording tapes see the read as they see a snapshot.
    /// </summary>
    internal LentRead Lend()
    {
        Interlocked.Increment(ref _leases);
        var read = new LentRead(this, _buffer, Shape, DType, Size);
        ExecutionContext.RecordVariableRead(this, read);
        return read;
    }

    /// <summary>Takes one more lease (a recording that keeps a lent read).</summary>
    internal void AddLease() => Interlocked.Increment(ref _leases);

    /// <summary>Returns a lease taken by <see cref="Lend"/> or <see cref="AddLease"/>.</summary>
    internal void ReturnLease() => Interlocked.Decrement(ref _leases);

    /// <summary>Lent reads still out (for tests).</summary>
    internal int LeaseCount => Volatile.Read(ref _leases);
}

/// <summary>
/// A variable's value lent to an eager op (<see cref="Variable.Lend"/>): the variable's buffer, readable while a lease
/// on the variable is out. Anything that may keep it beyond that makes the variable shared.
/// </summary>
internal sealed class LentRead : Tensor
{
    internal LentRead(Variable variable, Array buffer, Shape shape, DType dtype, int size)
        : base(buffer, shape, dtype, size, isWeak: false)
    {
        Variable = variable;
    }

    /// <summary>The variable it was read from.</summary>
    internal Variable Variable { get; }

    /// <summary>A use outside an eager op call may keep the buffer: the variable's next update must not write into it.</summary>
    internal override Tensor ReadForOp()
    {
        Variable.MarkShared();
        return this;
    }
}
