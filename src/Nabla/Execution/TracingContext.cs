namespace Nabla;

/// <summary>
/// The context of a function being traced: each op call appends a node to the graph and returns its symbolic
/// output, after the op's own shape/dtype rule has checked the inputs (so errors found while tracing name the
/// op, the shapes and the dtypes, as eagerly). Concrete tensors met on the way become constants of the graph,
/// variables become reads that happen when the graph runs, and the tapes opened inside the function record
/// the symbolic ops, so their gradients are graph nodes too.
/// </summary>
internal sealed class TracingContext(FuncGraph graph, TracingContext? outer) : ExecutionContext
{
    public FuncGraph Graph { get; } = graph;

    /// <summary>The trace this one runs inside (a function called while another is traced), or null.</summary>
    public TracingContext? Outer { get; } = outer;

    public override bool IsEager => false;

    /// <summary>Set while a control-flow branch is traced: values of enclosing graphs it uses become its inputs.</summary>
    public BranchCaptures? Captures { get; init; }

    public override Tensor Execute(Op op, Span<Tensor> inputs)
    {
        var symbolic = new SymbolicTensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], "input");
            symbolic[i] = ToGraph(inputs[i]);
            inputs[i] = symbolic[i];
        }

        if (op is CustomGradientOp custom)
        {
            return TraceCustomGradient(custom, inputs);
        }

        TensorSpec spec = InferOutput(op, inputs);
        SymbolicTensor output = Graph.AddNode(op, symbolic, spec, isWeak: false, name: null, KnownValue(op, symbolic, spec));
        if (TapeStack.AnyRecording && output.DType.IsFloating)
        {
            TapeStack.Record(op, inputs, output);
        }

        return output;
    }

    public override void AssignVariable(Variable variable, Tensor value)
    {
        SymbolicTensor v = ToGraph(value);
        Graph.AddNode(new AssignVariableOp(variable), [v], new TensorSpec(v.Shape, v.DType), isWeak: false, name: null);
    }

    public override Tensor[] CallFunction(ConcreteFunction function, IReadOnlyList<Tensor> inputs)
        => GraphReplay.Run(function.Graph, inputs, new GraphReplay.Options());

    /// <summary>A value of this graph for <paramref name="value"/>: itself, a read of a variable, or a captured constant.</summary>
    public SymbolicTensor ToGraph(Tensor value)
    {
        switch (value)
        {
            case SymbolicTensor s when ReferenceEquals(s.Graph, Graph):
                return s;
            case SymbolicTensor s when Captures is not null && Outer!.Encloses(s.Graph):
                return Captures.Lift(Graph, Outer.ToGraph(s));
            case SymbolicTensor s:
                throw new InvalidOperationException(
                    $"The symbolic tensor '{s.TensorName}' (shape {s.Shape}, dtype {s.DType}) belongs to the traced function " +
                    $"'{s.Graph.Name}', not to '{Graph.Name}' being traced now: a function cannot use another function's " +
                    "tensors. Pass the value as an argument instead.");
            case Variable variable:
                return ReadVariable(variable);
            default:
                return Graph.Capture(value);
        }
    }

    /// <summary>Reads <paramref name="variable"/> when the graph runs, and offers the read to the tapes recording inside the function.</summary>
    public override SymbolicTensor ReadVariable(Variable variable)
    {
        if (Captures is not null)
        {
            // A branch reads through the enclosing graph (see BranchCaptures); tapes opened inside see the local value.
            SymbolicTensor outer = Outer!.ReadVariableUnrecorded(variable);
            Captures.VariableReads.Add((variable, outer));
            SymbolicTensor local = Captures.Lift(Graph, outer);
            RecordVariableRead(variable, local);
            return local;
        }

        SymbolicTensor read = Graph.AddNode(new VariableReadOp(variable), [], new TensorSpec(variable.Shape, variable.DType), isWeak: false, name: null);
        RecordVariableRead(variable, read);
        return read;
    }

    /// <summary>
    /// Offers a node this trace added itself (a control-flow result) to the recording tapes, with the op that
    /// stands for it there: its gradient rule over <paramref name="inputs"/>.
    /// </summary>
    public static void RecordResult(Op gradientRule, SymbolicTensor[] inputs, SymbolicTensor output)
    {
        if (TapeStack.AnyRecording && output.DType.IsFloating)
        {
            TapeStack.Record(gradientRule, inputs, output);
        }
    }

    /// <summary>Whether <paramref name="graph"/> is this trace's graph or that of a trace it runs inside.</summary>
    private bool Encloses(FuncGraph graph)
        => ReferenceEquals(graph, Graph) || (Captures is not null && Outer is not null && Outer.Encloses(graph));

    // A read for a branch nested in this trace: recorded by the branch once its tapes are visible again.
    private SymbolicTensor ReadVariableUnrecorded(Variable variable)
    {
        if (Captures is not null)
        {
            return ReadVariable(variable);
        }

        return Graph.AddNode(new VariableReadOp(variable), [], new TensorSpec(variable.Shape, variable.DType), isWeak: false, name: null);
    }

    private static TensorSpec InferOutput(Op op, ReadOnlySpan<Tensor> inputs)
    {
        foreach (Tensor input in inputs)
        {
            if (!input.Shape.IsFullyDefined && !op.SupportsUnknownDims)
            {
                throw new InvalidOperationException(
                    $"{op.Name} cannot be traced with unknown dimensions yet: input shapes {ShapesOf(inputs)} (dtypes {DTypesOf(inputs)}). " +
                    "Give the function an input signature (or call it with tensors) whose dimensions are known.");
            }
        }

        try
        {
            return op.InferOutput(inputs);
        }
        catch (ArgumentOutOfRangeException) when (ReadsUnknownValues(inputs))
        {
            // The op read the elements of an input whose values only exist when the function runs (its storage is
            // empty): its output shape depends on them (a mask, segment ids, a count).
            throw new InvalidOperationException(
                $"{op.Name} needs the values of its inputs to know its output shape, and they are only known when the traced " +
                $"function runs: input shapes {ShapesOf(inputs)} (dtypes {DTypesOf(inputs)}). Pass those inputs as constants, " +
                "or run this part eagerly (outside the function, or with Tf.Config.RunFunctionsEagerly).");
        }
    }

    // Values of small pure ops on known values are computed now (see SymbolicTensor): shape inference downstream
    // may need them. Larger ones stay unknown until the graph runs, as constant folding leaves them.
    private static Tensor? KnownValue(Op op, SymbolicTensor[] inputs, TensorSpec spec)
    {
        if (inputs.Length == 0 || !Rewrite.IsPure(op) || !spec.Shape.IsFullyDefined || spec.Shape.Size > ConstantFolding.MaxFoldedElements)
        {
            return null;
        }

        var values = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].HasConstantValue)
            {
                return null;
            }

            values[i] = inputs[i].KnownValue;
        }

        using var eager = Enter(Eager);
        using var tapes = TapeStack.Suspend();
        return op.Evaluate(values, spec);
    }

    private static bool ReadsUnknownValues(ReadOnlySpan<Tensor> inputs)
    {
        foreach (Tensor input in inputs)
        {
            if (input is SymbolicTensor { HasConstantValue: false } && input.Size != 0)
            {
                return true;
            }
        }

        return false;
    }

    // A custom gradient's forward result was traced already: the node passes it on, and the tape entry is the
    // custom op, so the tape differentiates through the user's gradient function only.
    private SymbolicTensor TraceCustomGradient(CustomGradientOp custom, Span<Tensor> inputs)
    {
        SymbolicTensor result = ToGraph(custom.Result);
        SymbolicTensor output = Graph.AddNode(IdentityOp.Instance, [result], new TensorSpec(result.Shape, result.DType), isWeak: false, name: null);
        if (TapeStack.AnyRecording)
        {
            TapeStack.Record(custom, inputs, output);
        }

        return output;
    }

    private static string ShapesOf(ReadOnlySpan<Tensor> inputs)
    {
        var parts = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            parts[i] = inputs[i].Shape.ToString();
        }

        return string.Join(", ", parts);
    }

    private static string DTypesOf(ReadOnlySpan<Tensor> inputs)
    {
        var parts = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            parts[i] = inputs[i].DType.ToString();
        }

        return string.Join(", ", parts);
    }
}
