namespace Nabla;

/// <summary>
/// A mutable tensor (TensorFlow's <c>tf.Variable</c>): its dtype and shape are fixed at creation, its value
/// changes with <see cref="Assign"/>, <see cref="AssignAdd"/> and <see cref="AssignSub"/>. An op that reads a
/// variable sees a snapshot of its value at that moment, and a recording tape watches trainable
/// floating-point variables it sees read. Assignments swap in a new buffer rather than writing into the
/// old one, so snapshots taken earlier never change.
/// </summary>
public partial class Variable : Tensor
{
    private static long s_nextId;

    /// <summary>Creates a variable holding <paramref name="initialValue"/>.</summary>
    /// <param name="initialValue">The value: a tensor, or a C# scalar or array (its CLR type gives the dtype).</param>
    /// <param name="dtype">Converts the value to this dtype.</param>
    /// <param name="shape">The variable's shape; it must equal the value's shape.</param>
    /// <param name="trainable">Whether tapes watch it automatically and optimizers update it.</param>
    /// <param name="name">The name, shown with TensorFlow's <c>:0</c> suffix; defaults to <c>Variable</c>.</param>
    /// <exception cref="ArgumentException">When <paramref name="shape"/> differs from the value's shape.</exception>
    public Variable(Tensor initialValue, DType? dtype = null, Shape? shape = null, bool trainable = true, string? name = null)
        : this(Prepare(initialValue, dtype, shape), trainable, name)
    {
    }

    private Variable(Tensor value, bool trainable, string? name)
        : base(value.Buffer, value.Shape, value.DType)
    {
        Trainable = trainable;
        Name = (name ?? "Variable") + ":0";
        VariableCreation.Created(this);
    }

    /// <summary>A number that grows with each variable created: the order of construction (tapes list watched variables in it).</summary>
    internal long Id { get; } = Interlocked.Increment(ref s_nextId);

    /// <summary>Whether tapes watch it automatically and optimizers update it.</summary>
    public bool Trainable { get; set; }

    /// <summary>The name with TensorFlow's output suffix: <c>Variable:0</c>, <c>dense/kernel:0</c>.</summary>
    public string Name { get; }

    /// <summary>The current value as a (constant) tensor.</summary>
    public Tensor ReadValue() => Tf.Identity(this);

    /// <summary>Replaces the value; dtype and shape must match exactly (no broadcasting).</summary>
    /// <returns>This variable, for chaining.</returns>
    /// <remarks>Inside a traced function the assignment is a graph operation, run in program order when the graph runs.</remarks>
    public Variable Assign(Tensor value)
    {
        Tensor checkedValue = Checked(value, "Assign");
        lock (_updateLock)
        {
            return Store(checkedValue);
        }
    }

    /// <summary>Adds <paramref name="delta"/> (same shape and dtype) to the value.</summary>
    /// <returns>This variable, for chaining.</returns>
    /// <remarks>
    /// Atomic, as TensorFlow's resource-variable updates are: when several threads update one variable at once, each
    /// update reads the value the previous one stored, so none is lost (a lock per variable; its uncontended cost is a
    /// few nanoseconds and no allocation).
    /// </remarks>
    public Variable AssignAdd(Tensor delta) => Update(delta, "AssignAdd", subtract: false);

    /// <summary>Subtracts <paramref name="delta"/> (same shape and dtype) from the value.</summary>
    /// <returns>This variable, for chaining.</returns>
    /// <remarks>Atomic under concurrent callers, as <see cref="AssignAdd"/>.</remarks>
    public Variable AssignSub(Tensor delta) => Update(delta, "AssignSub", subtract: true);

    // The read, the arithmetic and the store happen under one lock, so two threads' updates cannot both start from
    // the same old value (without it, two threads adding 1 a million times each lost a third of their updates).
    private Variable Update(Tensor delta, string operation, bool subtract)
    {
        Tensor checkedDelta = Checked(delta, operation);
        lock (_updateLock)
        {
            Tensor current = Current();
            return Store(subtract ? Tf.Subtract(current, checkedDelta) : Tf.Add(current, checkedDelta));
        }
    }

    private readonly Lock _updateLock = new();

    internal override Tensor ReadForOp()
    {
        Tensor snapshot = Snapshot();
        ExecutionContext.RecordVariableRead(this, snapshot);
        return snapshot;
    }

    /// <summary>The current value, sharing the (never mutated) buffer.</summary>
    private Tensor Snapshot()
    {
        // The buffer is now seen outside a graph, so no graph may write into it any more (see IsExclusive).
        _exclusive = false;
        return new(_buffer, Shape, DType, Size, isWeak: false);
    }

    /// <summary>The value an update reads: a snapshot when eager; inside a trace the variable itself (the graph reads it when it runs).</summary>
    private Tensor Current() => ExecutionContext.Current.IsEager ? Snapshot() : this;

    private Variable Store(Tensor value)
    {
        ExecutionContext.Current.AssignVariable(this, value);
        return this;
    }

    /// <summary>Swaps in <paramref name="value"/>'s buffer (an eager assignment, or a graph's when it runs).</summary>
    internal void StoreEager(Tensor value)
    {
        // The value is freshly computed or a snapshot: its buffer is never written again, so sharing it is safe.
        _buffer = value.Buffer;
        _exclusive = false;
    }

    /// <summary>Stores a buffer that a graph allocated for this variable alone (see <see cref="IsExclusive"/>).</summary>
    internal void StoreExclusive(Tensor value)
    {
        _buffer = value.Buffer;
        _exclusive = true;
    }

    /// <summary>
    /// Whether the current buffer was made by a graph for this variable and no tensor outside a graph has seen it
    /// since, and no lent read of it is still out (<see cref="Lend"/>): then a graph's next update may write into it
    /// in place (an optimizer step allocates nothing). Any eager snapshot or assignment clears it, so a tensor a user
    /// holds never changes.
    /// </summary>
    internal bool IsExclusive => _exclusive && Volatile.Read(ref _leases) == 0;

    /// <summary>Clears <see cref="IsExclusive"/>: a graph returned a view of the buffer to its caller.</summary>
    internal void MarkShared() => _exclusive = false;

    private volatile bool _exclusive;

    /// <summary>The buffer holding the current value (a graph's read when it runs; never written through).</summary>
    internal Array CurrentBuffer => _buffer;

    private Tensor Checked(Tensor value, string operation)
    {
        if (value is null)
        {
            throw new ArgumentNullException(null, $"Cannot {operation} null to variable '{Name}'.");
        }

        if (value.IsWeak)
        {
            value = DTypeRules.ConvertWeak(value, DType, operation);
        }

        if (value.DType != DType)
        {
            throw new ArgumentException(
                $"Cannot {operation} a value of dtype {value.DType} to variable '{Name}' of dtype {DType}: the dtypes must match. Use Tf.Cast first.");
        }

        bool fits = value is SymbolicTensor ? value.Shape.IsCompatibleWith(Shape) : value.Shape == Shape;
        if (!fits)
        {
            throw new ArgumentException(
                $"Cannot {operation} to variable '{Name}': shapes {Shape} and {value.Shape} are incompatible (they must be equal; variables do not broadcast).");
        }

        // Inside a trace the value stays what it is (a symbolic tensor, or a variable the graph reads when it runs).
        return ExecutionContext.Current.IsEager ? value.ReadForOp() : value;
    }

    private static Tensor Prepare(Tensor initialValue, DType? dtype, Shape? shape)
    {
        ArgumentNullException.ThrowIfNull(initialValue);

        // Inside a traced function the initial value is computed eagerly, as TensorFlow lifts variable
        // initializers out of the function (init_scope): a value traced from constants is evaluated here.
        initialValue = VariableCreation.EagerInitialValue(initialValue);
        using ExecutionContext.Scope eager = ExecutionContext.Enter(ExecutionContext.Eager);
        Tensor value = initialValue.ReadForOp();
        if (dtype is { } d && d != value.DType)
        {
            value = Tf.Cast(value, d);
        }

        if (shape is { } s && s != value.Shape)
        {
            throw new ArgumentException(
                $"In this Variable creation, the initial value's shape ({value.Shape}) is not compatible with the explicitly supplied `shape` argument ({s}).",
                nameof(shape));
        }

        return value;
    }

    /// <summary>TensorFlow's repr, also its str: <c>&lt;Variable 'Variable:0' shape=(2,) dtype=int32, numpy=array([1, 2], dtype=int32)&gt;</c>.</summary>
    public override string ToString() => Text(TensorText.Display);

    /// <summary>A variable prints as it displays (TensorFlow's <c>str(v)</c> is its <c>repr</c>).</summary>
    internal override string Text(TensorText kind) => kind is TensorText.Print or TensorText.Display
        ? Formatting.Repr(this, $"Variable '{Name}'", string.Empty)
        : base.Text(kind);
}
