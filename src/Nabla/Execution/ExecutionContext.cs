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

    /// <summary>Runs <paramref name="op"/> on <paramref name="inputs"/> (the array is owned by the callee afterwards).</summary>
    public abstract Tensor Execute(Op op, Tensor[] inputs);
}

/// <summary>Runs each op at once: infer, allocate, compute, record on the active tapes.</summary>
internal sealed class EagerContext : ExecutionContext
{
    public override bool IsEager => true;

    public override Tensor Execute(Op op, Tensor[] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], "input");
            inputs[i] = inputs[i].ReadForOp();
        }

        TensorSpec spec = op.InferOutput(inputs);
        Tensor output = op.Evaluate(inputs, spec);

        if (op.IsDifferentiable)
        {
            TapeStack.Record(op, inputs, output);
        }

        return output;
    }
}
