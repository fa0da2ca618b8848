namespace Nabla;

/// <summary>
/// One trace of a <see cref="PolymorphicFunction{TDelegate}"/> for one input signature (TensorFlow's
/// <c>ConcreteFunction</c>): its optimized graph, the specs of its flat tensor inputs and outputs, and the
/// executor that runs it. Calling it under a <see cref="GradientTape"/> records one operation per output whose
/// gradient is the function's backward function, itself a concrete function (so it is optimized and can be
/// differentiated again).
/// </summary>
public sealed class ConcreteFunction
{
    private readonly object _lock = new();
    private readonly Dictionary<int, BackwardFunction> _backward = [];
    private GraphExecutor? _executor;
    private IReadOnlyList<Variable>? _capturedVariables;

    internal ConcreteFunction(FuncGraph graph, IReadOnlyList<TensorSpec> inputs, OutputStructure structure)
    {
        Graph = graph;
        InputSignature = inputs;
        Structure = structure;
        var outputs = new TensorSpec[graph.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new TensorSpec(graph.Outputs[i].Shape, graph.Outputs[i].DType);
        }

        OutputSpecs = outputs;
    }

    /// <summary>The traced graph (after optimization); printing it lists one operation per line.</summary>
    public FuncGraph Graph { get; }

    /// <summary>The specs of the flat tensor inputs, in argument order.</summary>
    public IReadOnlyList<TensorSpec> InputSignature { get; }

    /// <summary>The specs of the flat tensor outputs.</summary>
    public IReadOnlyList<TensorSpec> OutputSpecs { get; }

    internal OutputStructure Structure { get; }

    internal GraphExecutor Executor
    {
        get
        {
            if (_executor is { } executor)
            {
                return executor;
            }

            lock (_lock)
            {
                return _executor ??= new GraphExecutor(Graph);
            }
        }
    }

    /// <summary>The variables the graph reads or assigns, in first-use order (inputs of the call on a tape).</summary>
    internal IReadOnlyList<Variable> CapturedVariables => _capturedVariables ??= Graph.CapturedVariables;

    /// <summary>Whether a tape can differentiate through a call: some output is floating.</summary>
    internal bool IsDifferentiable
    {
        get
        {
            foreach (TensorSpec spec in OutputSpecs)
            {
                if (spec.DType.IsFloating)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Runs the function on its flat tensor inputs and returns its flat outputs.</summary>
    /// <exception cref="ArgumentException">When the inputs do not fit <see cref="InputSignature"/>.</exception>
    public Tensor[] Call(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return ExecutionContext.Current.CallFunction(this, CheckInputs(inputs));
    }

    /// <summary>The backward function of output <paramref name="index"/> (traced on first use).</summary>
    internal BackwardFunction Backward(int index)
    {
        lock (_lock)
        {
            if (!_backward.TryGetValue(index, out BackwardFunction? backward))
            {
                backward = BackwardFunction.Trace(this, index);
                _backward.Add(index, backward);
            }

            return backward;
        }
    }

    /// <summary>Checks (and, for C# values, converts) flat inputs against the signature.</summary>
    internal IReadOnlyList<Tensor> CheckInputs(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != InputSignature.Count)
        {
            throw new ArgumentException(
                $"The concrete function '{Graph.Name}' takes {InputSignature.Count} tensors ({string.Join(", ", InputSignature)}), got {inputs.Count}.");
        }

        Tensor[]? converted = null;
        for (int i = 0; i < inputs.Count; i++)
        {
            Tensor input = inputs[i];
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            TensorSpec spec = InputSignature[i];
            if (input.IsWeak && input.DType != spec.DType)
            {
                converted ??= [.. inputs];
                converted[i] = input = DTypeRules.ConvertWeak(input, spec.DType, Graph.Name);
            }

            if (!spec.IsCompatibleWith(input.Shape, input.DType))
            {
                throw new ArgumentException(
                    $"Input {i} of the concrete function '{Graph.Name}' is a {input.DType} tensor of shape {input.Shape}, " +
                    $"incompatible with its signature {spec}.");
            }
        }

        return converted ?? inputs;
    }

    /// <summary>The signature, as TensorFlow prints a concrete function.</summary>
    public override string ToString()
        => $"ConcreteFunction {Graph.Name}({string.Join(", ", InputSignature)}) -> ({string.Join(", ", OutputSpecs)})";
}
