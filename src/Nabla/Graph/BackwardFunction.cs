namespace Nabla;

/// <summary>
/// The gradient of one output of a concrete function, as a concrete function of its own (TensorFlow's
/// forward/backward function pair): its inputs are the forward call's arguments, the values of the variables it
/// captured, the random numbers it drew, and the upstream gradient; its outputs are the gradients of the
/// arguments and variables that have one. It is traced by replaying the forward graph under a tape, so the same
/// gradient rules as eager build it, the optimizer and executor treat it as any function, and calling it under
/// another tape records it in turn: gradients of every order.
/// </summary>
internal sealed class BackwardFunction
{
    private BackwardFunction(ConcreteFunction function, bool[] hasGradient)
    {
        Function = function;
        HasGradient = hasGradient;
    }

    /// <summary>The traced backward graph.</summary>
    public ConcreteFunction Function { get; }

    /// <summary>For each input of the forward call's tape entry, whether the backward function returns its gradient.</summary>
    public bool[] HasGradient { get; }

    public static BackwardFunction Trace(ConcreteFunction forward, int outputIndex)
    {
        var graph = new FuncGraph(forward.Graph.Name + "_grad_" + outputIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var specs = new List<TensorSpec>();
        var tracing = new TracingContext(graph, ExecutionContext.Current as TracingContext);
        IReadOnlyList<Variable> variables = forward.CapturedVariables;
        GraphNode[] stateful = forward.Executor.StatefulNodes;
        int sourceCount = forward.InputSignature.Count + variables.Count;
        var hasGradient = new bool[sourceCount + stateful.Length];
        var outputs = new List<SymbolicTensor>();
        using (ExecutionContext.Enter(tracing))
        using (TapeStack.Suspend())
        {
            var sources = new List<Tensor>();
            foreach (TensorSpec spec in forward.InputSignature)
            {
                sources.Add(Placeholder(graph, specs, spec));
            }

            var variableValues = new Dictionary<Variable, Tensor>(ReferenceEqualityComparer.Instance);
            foreach (Variable variable in variables)
            {
                SymbolicTensor value = Placeholder(graph, specs, new TensorSpec(variable.Shape, variable.DType));
                variableValues[variable] = value;
                sources.Add(value);
            }

            var savedValues = new Dictionary<GraphNode, Tensor>(ReferenceEqualityComparer.Instance);
            foreach (GraphNode node in stateful)
            {
                savedValues[node] = Placeholder(graph, specs, new TensorSpec(node.Output.Shape, node.Output.DType));
            }

            TensorSpec upstreamSpec = forward.OutputSpecs[outputIndex];
            SymbolicTensor upstream = Placeholder(graph, specs, upstreamSpec);
            Tensor?[] gradients;
            using (var tape = new GradientTape())
            {
                foreach (Tensor source in sources)
                {
                    tape.Watch(source);
                }

                Tensor[] results = GraphReplay.Run(forward.Graph, sources.GetRange(0, forward.InputSignature.Count),
                    new GraphReplay.Options(variableValues, savedValues, SideEffects: false));
                gradients = tape.Gradient([results[outputIndex]], sources, [upstream]);
            }

            for (int i = 0; i < gradients.Length; i++)
            {
                if (gradients[i] is { } g)
                {
                    hasGradient[i] = true;
                    outputs.Add(tracing.ToGraph(g));
                }
            }
        }

        graph.SetOutputs(outputs);
        GraphOptimizer.Optimize(graph);
        return new BackwardFunction(new ConcreteFunction(graph, specs, FlatStructure.Instance), hasGradient);
    }

    private static SymbolicTensor Placeholder(FuncGraph graph, List<TensorSpec> specs, TensorSpec spec)
    {
        specs.Add(spec);
        return graph.AddPlaceholder(spec, null, isWeak: false);
    }

    /// <summary>A backward function's outputs are used flat, never packed.</summary>
    private sealed class FlatStructure : OutputStructure
    {
        public static readonly FlatStructure Instance = new();

        public override object? Pack(Tensor[] flat, ref int next) => flat;
    }
}

/// <summary>
/// The tape entry of one output of a concrete function called eagerly: the inputs are the call's arguments,
/// captured variables and saved random numbers; the gradient calls the backward function of that output.
/// </summary>
internal sealed class FunctionCallOp(ConcreteFunction function, int outputIndex) : Op("PartitionedCall")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => function.OutputSpecs[outputIndex];

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("A function call is run by its executor and only recorded on tapes.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        BackwardFunction backward = function.Backward(outputIndex);
        var arguments = new Tensor[inputs.Length + 1];
        inputs.CopyTo(arguments);
        arguments[^1] = Backprop.IsSharedSeed(upstream) ? Tf.Identity(upstream) : upstream;
        Tensor[] gradients = ExecutionContext.Current.CallFunction(backward.Function, arguments);
        int next = 0;
        for (int i = 0; i < backward.HasGradient.Length; i++)
        {
            if (backward.HasGradient[i])
            {
                Tensor g = gradients[next++];
                result[i] = needsGradient[i] ? g : null;
            }
        }
    }
}
