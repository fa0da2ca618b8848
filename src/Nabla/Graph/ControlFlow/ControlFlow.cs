namespace Nabla;

/// <summary>Tracing Tf.Cond and Tf.WhileLoop into graph nodes, and their argument checks.</summary>
internal static class ControlFlow
{
    /// <summary>Checks that <paramref name="value"/> (what the argument <paramref name="parameter"/> gave) is a bool scalar.</summary>
    public static void RequireBoolScalar(string op, string what, Tensor? value, string parameter)
    {
        if (value is null)
        {
            throw new ArgumentException($"{op}: {what} is null; it must be a bool scalar.", parameter);
        }

        if (value.DType != DType.Bool || value.Shape.Rank != 0)
        {
            throw new ArgumentException($"{op}: {what} must be a bool scalar, got a {value.DType} tensor of shape {value.Shape}.", parameter);
        }
    }

    /// <summary>Checks that <paramref name="actual"/> has <paramref name="expected"/>'s count, dtypes and shapes.</summary>
    public static void RequireSameStructure(string op, string what, IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor>? actual, string parameter)
    {
        if (actual is null || actual.Count != expected.Count)
        {
            throw new ArgumentException($"{op}: {what} has {actual?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} tensors, expected {expected.Count}.", parameter);
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (actual[i] is null)
            {
                throw new ArgumentException($"{op}: tensor {i} of {what} is null.", parameter);
            }

            if (actual[i].DType != expected[i].DType || actual[i].Shape != expected[i].Shape)
            {
                throw new ArgumentException(
                    $"{op}: tensor {i} of {what} is a {actual[i].DType} tensor of shape {actual[i].Shape}, expected {expected[i].DType} of shape {expected[i].Shape} " +
                    "(a loop variable keeps its dtype and shape; both branches of a cond give the same).", parameter);
            }
        }
    }

    /// <summary>
    /// The loop every form of WhileLoop runs (eager, a traced node when its graph runs, the replay its gradient
    /// differentiates): while fewer than <paramref name="maximumIterations"/> iterations ran (when given) and
    /// <paramref name="holds"/> of the variables is true, they become <paramref name="step"/> of them.
    /// </summary>
    public static Tensor[] Iterate(Tensor[] vars, int? maximumIterations, Func<Tensor[], bool> holds, Func<Tensor[], Tensor[]> step)
    {
        for (int iteration = 0; (maximumIterations is not { } most || iteration < most) && holds(vars); iteration++)
        {
            vars = step(vars);
        }

        return vars;
    }

    public static Tensor[] TraceCond(TracingContext tracing, Tensor pred, Func<Tensor[]> trueFn, Func<Tensor[]> falseFn)
    {
        TracedBranch whenTrue = BranchTracer.Trace(tracing, "cond_true", [], _ => trueFn());
        TracedBranch whenFalse = BranchTracer.Trace(tracing, "cond_false", [], _ => falseFn());
        IReadOnlyList<SymbolicTensor> trueResults = whenTrue.Graph.Outputs;
        RequireSameStructure("cond", "the false branch's result", trueResults, whenFalse.Graph.Outputs, "falseFn");
        var specs = new TensorSpec[trueResults.Count];
        for (int k = 0; k < specs.Length; k++)
        {
            specs[k] = new TensorSpec(trueResults[k].Shape, trueResults[k].DType);
        }

        var op = new CondOp(whenTrue, whenFalse, specs);
        Tensor[] inputs = [pred, .. whenTrue.Captures, .. whenFalse.Captures];
        SymbolicTensor[] results = TupleNodes.Add(tracing, op, inputs, out SymbolicTensor[] symbolic);
        RecordResults(symbolic, results, k => new CondResultGradient(op, k));
        return results;
    }

    public static Tensor[] TraceWhile(TracingContext tracing, Func<Tensor[], Tensor> cond, Func<Tensor[], Tensor[]> body, Tensor[] loopVars, int? maximumIterations)
    {
        var specs = new TensorSpec[loopVars.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            specs[i] = new TensorSpec(loopVars[i].Shape, loopVars[i].DType);
        }

        TracedBranch condition = BranchTracer.Trace(tracing, "while_cond", specs, vars => [cond(vars)]);
        RequireBoolScalar("while_loop", "cond's result", condition.Graph.Outputs[0], "cond");
        TracedBranch step = BranchTracer.Trace(tracing, "while_body", specs, body);
        RequireSameStructure("while_loop", "the body's result", loopVars, step.Graph.Outputs, "body");
        var op = new WhileOp(condition, step, specs, maximumIterations);
        Tensor[] inputs = [.. loopVars, .. condition.Captures, .. step.Captures];
        SymbolicTensor[] results = TupleNodes.Add(tracing, op, inputs, out SymbolicTensor[] symbolic);
        RecordResults(symbolic, results, k => new WhileResultGradient(op, k));
        return results;
    }

    // One tape entry per floating result, over all of the node's inputs.
    private static void RecordResults(SymbolicTensor[] inputs, SymbolicTensor[] results, Func<int, Op> gradientOf)
    {
        if (!TapeStack.AnyRecording)
        {
            return;
        }

        for (int k = 0; k < results.Length; k++)
        {
            TracingContext.RecordResult(gradientOf(k), inputs, results[k]);
        }
    }
}
