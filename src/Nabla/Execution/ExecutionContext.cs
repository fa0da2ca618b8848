namespace Nabla;

/// <summary>
/// Where op calls go (ARCHITECTURE.md P8). Eager execution is the only context today; a tracing context for a
/// graph mode will implement the same <see cref="Execute"/> without any op changing.
/// </summary>
internal abstract class ExecutionContext
{
    private static readonly EagerContext s_eager = new();

    /// <summary>The context of the calling flow (always eager for now).</summary>
    public static ExecutionContext Current => s_eager;

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
}
