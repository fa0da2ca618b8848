namespace Nabla;

/// <summary>
/// The values of enclosing graphs that a control-flow branch being traced uses: each becomes an input of the
/// branch's graph (a placeholder after its explicit arguments), and the control-flow node passes the outer value.
/// Variables read in a branch are read by the enclosing graph before the node runs (so tapes outside see the
/// read and gradients reach the variable), then passed in the same way.
/// </summary>
internal sealed class BranchCaptures
{
    private readonly Dictionary<SymbolicTensor, SymbolicTensor> _local = new(ReferenceEqualityComparer.Instance);

    /// <summary>The captured values, in the enclosing graph, in the order of the branch's capture inputs.</summary>
    public List<SymbolicTensor> Outer { get; } = [];

    /// <summary>Variables the branch read, and the enclosing graph's read that feeds it.</summary>
    public List<(Variable Variable, SymbolicTensor Read)> VariableReads { get; } = [];

    /// <summary>The branch's input for <paramref name="outer"/> (a value of the enclosing graph), made on first use.</summary>
    public SymbolicTensor Lift(FuncGraph branch, SymbolicTensor outer)
    {
        if (!_local.TryGetValue(outer, out SymbolicTensor? local))
        {
            local = branch.AddPlaceholder(new TensorSpec(outer.Shape, outer.DType), null, outer.IsWeak);
            _local.Add(outer, local);
            Outer.Add(outer);
        }

        return local;
    }
}

/// <summary>A traced branch (or loop condition, or loop body): its graph and the enclosing values it captured.</summary>
internal sealed record TracedBranch(FuncGraph Graph, SymbolicTensor[] Captures);

/// <summary>Traces a control-flow branch into a graph of its own inside the function being traced.</summary>
internal static class BranchTracer
{
    /// <summary>
    /// Traces <paramref name="body"/> on placeholders of <paramref name="argumentSpecs"/> in a new graph nested in
    /// <paramref name="outer"/>: tapes outside do not see its ops (the control-flow node's own tape entries stand for
    /// them), values of enclosing graphs become extra inputs, and the graph is optimized like any function's.
    /// </summary>
    public static TracedBranch Trace(TracingContext outer, string name, IReadOnlyList<TensorSpec> argumentSpecs, Func<Tensor[], Tensor[]> body)
    {
        var graph = new FuncGraph(outer.Graph.Name + "_" + name);
        var captures = new BranchCaptures();
        var tracing = new TracingContext(graph, outer) { Captures = captures };
        using (ExecutionContext.Enter(tracing))
        using (TapeStack.Suspend())
        {
            var arguments = new Tensor[argumentSpecs.Count];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = graph.AddPlaceholder(argumentSpecs[i], null, isWeak: false);
            }

            Tensor[] results = body(arguments) ?? throw new InvalidOperationException($"The {name} function of '{outer.Graph.Name}' returned null.");
            var outputs = new SymbolicTensor[results.Length];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = tracing.ToGraph(results[i] ?? throw new InvalidOperationException(
                    $"The {name} function of '{outer.Graph.Name}' returned null as its tensor {i}."));
            }

            graph.SetOutputs(outputs);
        }

        // The reads happened in the enclosing graph: offer them to its tapes now that they are visible again.
        foreach ((Variable variable, SymbolicTensor read) in captures.VariableReads)
        {
            ExecutionContext.RecordVariableRead(variable, read);
        }

        GraphOptimizer.Optimize(graph);
        return new TracedBranch(graph, [.. captures.Outer]);
    }
}
