namespace Nabla;

/// <summary>
/// Where op calls go (ARCHITECTURE.md P8): every op call goes through <see cref="Execute"/> of the calling
/// thread's current context. Eager by default; while a function is traced, a <see cref="TracingContext"/> that
/// adds graph nodes instead of computing. Tracing is thread-local (the C# body runs on the calling thread), so
/// other threads keep running eagerly meanwhile.
/// </summary>
internal abstract class ExecutionContext
{
    private static readonly EagerContext s_eager = new();

    // How many threads have a non-eager context: while none has, Current is one static read.
    private static int s_nonEagerThreads;

    [ThreadStatic]
    private static ExecutionContext? t_current;

    /// <summary>The context of the calling thread.</summary>
    public static ExecutionContext Current
        => Volatile.Read(ref s_nonEagerThreads) == 0 ? s_eager : t_current ?? s_eager;

    /// <summary>The eager context (what <see cref="Tf.InitScope"/> switches to).</summary>
    public static ExecutionContext Eager => s_eager;

    /// <summary>Whether ops run immediately.</summary>
    public abstract bool IsEager { get; }

    /// <summary>
    /// Offers a variable read (the <paramref name="snapshot"/> an op or a caller sees) to the recording tapes of
    /// this flow, which may watch the variable. Reads are recorded here, with op calls: only the execution layer
    /// records on tapes.
    /// </summary>
    public static void RecordVariableRead(Variable variable, Tensor snapshot) => TapeStack.RecordVariableRead(variable, snapshot);

    /// <summary>
    /// Runs <paramref name="op"/> on <paramref name="inputs"/>. The span is scratch space owned by the callee
    /// (a variable input is replaced by its snapshot); it usually lives on the caller's stack, so a context
    /// that keeps the inputs (a tape) copies them.
    /// </summary>
    public abstract Tensor Execute(Op op, Span<Tensor> inputs);

    /// <summary>Stores <paramref name="value"/> (already checked: same dtype and shape) into <paramref name="variable"/>.</summary>
    public abstract void AssignVariable(Variable variable, Tensor value);

    /// <summary>The value of <paramref name="variable"/> as an op input: a snapshot now, or a read when the graph runs.</summary>
    public abstract Tensor ReadVariable(Variable variable);

    /// <summary>
    /// Calls a traced function on its flat inputs: eagerly on its executor (recorded on the tapes as one operation
    /// per output, whose gradient is the function's backward function), or inlined into the graph being traced.
    /// </summary>
    public abstract Tensor[] CallFunction(ConcreteFunction function, IReadOnlyList<Tensor> inputs);

    /// <summary>Makes <paramref name="context"/> current on this thread until the returned scope is disposed.</summary>
    public static Scope Enter(ExecutionContext context)
    {
        ExecutionContext? previous = t_current;
        if (previous is null || previous.IsEager)
        {
            if (!context.IsEager)
            {
                Interlocked.Increment(ref s_nonEagerThreads);
            }
        }
        else if (context.IsEager)
        {
            Interlocked.Decrement(ref s_nonEagerThreads);
        }

        t_current = context;
        return new Scope(previous);
    }

    /// <summary>Restores the previous context of the thread.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ExecutionContext? _previous;

        internal Scope(ExecutionContext? previous) => _previous = previous;

        public void Dispose()
        {
            ExecutionContext? current = t_current;
            bool wasEager = current is null || current.IsEager;
            bool willBeEager = _previous is null || _previous.IsEager;
            if (wasEager && !willBeEager)
            {
                Interlocked.Increment(ref s_nonEagerThreads);
            }
            else if (!wasEager && willBeEager)
            {
                Interlocked.Decrement(ref s_nonEagerThreads);
            }

            t_current = _previous;
        }
    }
}

/// <summary>
/// Runs each op at once: infer, allocate, compute, record on the active tapes. The path allocates only the
/// output tensor and its buffer when no tape records (ARCHITECTURE.md, "Dispatch cost").
/// </summary>
internal sealed class EagerContext : ExecutionContext
{
    public override bool IsEager => true;

    public override Tensor Execute(Op op, Span<Tensor> inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            Tensor input = inputs[i];
            ArgumentNullException.ThrowIfNull(input, "input");

            // A plain tensor reads as itself: one type compare instead of a virtual call per input.
            if (input.GetType() != typeof(Tensor))
            {
                if (input is Variable or LentRead)
                {
                    return ExecuteLending(op, inputs);
                }

                inputs[i] = input.ReadForOp();
            }
        }

        TensorSpec spec = op.InferOutput(inputs);
        Tensor output = op.Evaluate(inputs, spec);

        // Only a floating output can ever carry a gradient back (a bool or integer one never receives any), so
        // only such calls are offered to the tapes.
        if (TapeStack.AnyRecording && output.DType.IsFloating)
        {
            TapeStack.Record(op, inputs, output);
        }

        return output;
    }

    // An op reading variables: each is lent for the call (Variable.Leases.cs) instead of snapshotted for good, so a
    // later optimizer step may still update it in place. The op call holds a lease while it runs; an output that
    // shares a lent buffer makes the variable shared; recording tapes take leases of their own.
    private static Tensor ExecuteLending(Op op, Span<Tensor> inputs)
    {
        ulong lentHere = 0;
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                Tensor input = inputs[i];
                ArgumentNullException.ThrowIfNull(input, "input");
                if (input is Variable variable && i < 64)
                {
                    inputs[i] = variable.Lend();
                    lentHere |= 1UL << i;
                }
                else if (input is not LentRead && input.GetType() != typeof(Tensor))
                {
                    inputs[i] = input.ReadForOp();
                }
            }

            TensorSpec spec = op.InferOutput(inputs);
            Tensor output = op.Evaluate(inputs, spec);
            foreach (Tensor input in inputs)
            {
                if (input is LentRead lent && ReferenceEquals(lent.Buffer, output.Buffer))
                {
                    lent.Variable.MarkShared();
                }
            }

            if (TapeStack.AnyRecording && output.DType.IsFloating)
            {
                TapeStack.Record(op, inputs, output);
            }

            return output;
        }
        finally
        {
            for (int i = 0; lentHere != 0; i++, lentHere >>= 1)
            {
                if ((lentHere & 1) != 0)
                {
                    ((LentRead)inputs[i]).Variable.ReturnLease();
                }
            }
        }
    }

    public override void AssignVariable(Variable variable, Tensor value) => variable.StoreEager(value);

    public override Tensor ReadVariable(Variable variable) => variable.ReadForOp();

    public override Tensor[] CallFunction(ConcreteFunction function, IReadOnlyList<Tensor> inputs)
    {
        if (!TapeStack.AnyRecordingHere || !function.IsDifferentiable)
        {
            return function.Executor.Run(inputs, saved: null);
        }

        // Under a tape: the call is recorded as one operation per floating output. Its inputs are the arguments,
        // the captured variables (read now, so the tapes watch them) and the random numbers the call drew, so
        // the backward function differentiates exactly what ran.
        IReadOnlyList<Variable> variables = function.CapturedVariables;
        var saved = new List<Tensor>();
        Tensor[] outputs = function.Executor.Run(inputs, saved);
        var recorded = new Tensor[inputs.Count + variables.Count + saved.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            recorded[i] = inputs[i].ReadForOp();
        }

        for (int i = 0; i < variables.Count; i++)
        {
            recorded[inputs.Count + i] = variables[i].ReadForOp();
        }

        saved.CopyTo(recorded, inputs.Count + variables.Count);
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i].DType.IsFloating)
            {
                TapeStack.Record(new FunctionCallOp(function, i), recorded, outputs[i]);
            }
        }

        return outputs;
    }
}
