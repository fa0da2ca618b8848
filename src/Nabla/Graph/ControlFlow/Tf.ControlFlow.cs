namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// TensorFlow's <c>tf.cond</c>: the result of <paramref name="trueFn"/> when the bool scalar
    /// <paramref name="pred"/> is true, else of <paramref name="falseFn"/>. Eagerly it calls one of them. Inside a
    /// traced function (<c>Tf.Function</c>) whose predicate is only known when the graph runs, both
    /// are traced into branches of one graph node that runs the chosen one, and gradients flow through the branch
    /// taken (to any order). A predicate known at trace time (a constant) traces only its branch.
    /// </summary>
    /// <exception cref="ArgumentException">When the predicate is not a bool scalar, or traced branches differ in dtype or shape.</exception>
    public static Tensor Cond(Tensor pred, Func<Tensor> trueFn, Func<Tensor> falseFn)
    {
        ArgumentNullException.ThrowIfNull(trueFn);
        ArgumentNullException.ThrowIfNull(falseFn);
        return Cond(pred, () => [trueFn()], () => [falseFn()])[0];
    }

    /// <summary>
    /// <see cref="Cond(Tensor, Func{Tensor}, Func{Tensor})"/> for branches returning several tensors (the same
    /// number, dtypes and shapes in both).
    /// </summary>
    /// <exception cref="ArgumentException">When the predicate is not a bool scalar, or traced branches differ in count, dtype or shape.</exception>
    public static Tensor[] Cond(Tensor pred, Func<Tensor[]> trueFn, Func<Tensor[]> falseFn)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(trueFn);
        ArgumentNullException.ThrowIfNull(falseFn);
        ControlFlow.RequireBoolScalar("cond", "pred", pred, nameof(pred));
        if (ExecutionContext.Current is TracingContext tracing)
        {
            // A variable becomes a read when the graph runs; a concrete tensor a constant whose value is known now.
            SymbolicTensor symbolic = tracing.ToGraph(pred);
            if (!symbolic.HasConstantValue)
            {
                return ControlFlow.TraceCond(tracing, symbolic, trueFn, falseFn);
            }

            pred = symbolic;
        }

        bool taken = pred is SymbolicTensor known ? known.KnownValue.Item<bool>() : pred.Item<bool>();
        return (taken ? trueFn() : falseFn()) ?? throw new InvalidOperationException("The chosen branch of Tf.Cond returned null.");
    }

    /// <summary>
    /// TensorFlow's <c>tf.while_loop</c> for one loop variable: while <paramref name="cond"/> of the variable is
    /// true (and, when given, fewer than <paramref name="maximumIterations"/> iterations ran), replaces it with
    /// <paramref name="body"/> of it; returns the final value.
    /// </summary>
    /// <exception cref="ArgumentException">When the condition is not a bool scalar, the body changes the variable's dtype or shape, or the maximum is negative.</exception>
    public static Tensor WhileLoop(Func<Tensor, Tensor> cond, Func<Tensor, Tensor> body, Tensor loopVar, int? maximumIterations = null)
    {
        ArgumentNullException.ThrowIfNull(cond);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(loopVar);
        return WhileLoop(vars => cond(vars[0]), vars => [body(vars[0])], [loopVar], maximumIterations)[0];
    }

    /// <summary>
    /// TensorFlow's <c>tf.while_loop</c>: while <paramref name="cond"/> of the loop variables is true (and, when
    /// given, fewer than <paramref name="maximumIterations"/> iterations ran), replaces them with
    /// <paramref name="body"/> of them; returns their final values. Eagerly it is a C# loop (each iteration on the
    /// tapes). Inside a traced function the condition and the body are traced once into one graph node that loops
    /// when the graph runs; its gradient runs the loop again under a tape when needed (first order; a second order
    /// through a traced loop throws, eagerly it works).
    /// </summary>
    /// <exception cref="ArgumentException">When the condition is not a bool scalar, the body changes the variables' count, dtypes or shapes, or the maximum is negative.</exception>
    public static Tensor[] WhileLoop(Func<Tensor[], Tensor> cond, Func<Tensor[], Tensor[]> body, Tensor[] loopVars, int? maximumIterations = null)
    {
        ArgumentNullException.ThrowIfNull(cond);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(loopVars);
        if (maximumIterations < 0)
        {
            throw new ArgumentException($"while_loop: maximumIterations must be non-negative, got {maximumIterations}.", nameof(maximumIterations));
        }

        for (int i = 0; i < loopVars.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(loopVars[i], nameof(loopVars));
        }

        if (ExecutionContext.Current is TracingContext tracing)
        {
            return ControlFlow.TraceWhile(tracing, cond, body, loopVars, maximumIterations);
        }

        return ControlFlow.Iterate(
            [.. loopVars],
            maximumIterations,
            vars =>
            {
                Tensor go = cond(vars);
                ControlFlow.RequireBoolScalar("while_loop", "cond's result", go, nameof(cond));
                return go.Item<bool>();
            },
            vars =>
            {
                Tensor[] next = body(vars);
                ControlFlow.RequireSameStructure("while_loop", "the body's result", vars, next, nameof(body));
                return next;
            });
    }
}
