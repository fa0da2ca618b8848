namespace Nabla;

/// <summary>
/// TensorFlow's <c>While</c>: while the traced condition holds (and fewer than the maximum iterations ran), the
/// traced body maps the loop variables to their next values. Inputs: the loop variables, the condition's captures,
/// the body's captures; results: the final loop variables. Never pruned or merged (the body may assign or print).
/// </summary>
internal sealed class WhileOp : GraphOp, ITupleOp, IGraphSideEffect, IGraphStateful
{
    private readonly Lazy<GraphExecutor> _condition;
    private readonly Lazy<GraphExecutor> _body;

    public WhileOp(TracedBranch condition, TracedBranch body, TensorSpec[] loopSpecs, int? maximumIterations)
        : base("While")
    {
        Condition = condition.Graph;
        Body = body.Graph;
        ConditionCaptureCount = condition.Captures.Length;
        BodyCaptureCount = body.Captures.Length;
        ResultSpecs = loopSpecs;
        MaximumIterations = maximumIterations;
        _condition = new Lazy<GraphExecutor>(() => new GraphExecutor(Condition, allowInPlaceUpdates: false));
        _body = new Lazy<GraphExecutor>(() => new GraphExecutor(Body, allowInPlaceUpdates: false));
    }

    public FuncGraph Condition { get; }

    public FuncGraph Body { get; }

    public int ConditionCaptureCount { get; }

    public int BodyCaptureCount { get; }

    public int? MaximumIterations { get; }

    public IReadOnlyList<TensorSpec> ResultSpecs { get; }

    public int LoopCount => ResultSpecs.Count;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Shape.Scalar, DType.Bool);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        int n = LoopCount;
        Tensor[] conditionCaptures = inputs.Slice(n, ConditionCaptureCount).ToArray();
        Tensor[] bodyCaptures = inputs.Slice(n + ConditionCaptureCount, BodyCaptureCount).ToArray();
        return new TupleTensor(ControlFlow.Iterate(
            inputs[..n].ToArray(),
            MaximumIterations,
            vars => _condition.Value.Run([.. vars, .. conditionCaptures], null)[0].Item<bool>(),
            vars => _body.Value.Run([.. vars, .. bodyCaptures], null)));
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("While is evaluated, never computed into a buffer.");

    public Tensor[] Replay(Tensor[] inputs, GraphReplay.Options options)
    {
        int n = LoopCount;
        Tensor[] conditionCaptures = inputs[n..(n + ConditionCaptureCount)];
        Tensor[] bodyCaptures = inputs[(n + ConditionCaptureCount)..];
        return Tf.WhileLoop(
            vars => GraphReplay.Run(Condition, [.. vars, .. conditionCaptures], options)[0],
            vars => GraphReplay.Run(Body, [.. vars, .. bodyCaptures], options),
            inputs[..n],
            MaximumIterations);
    }

    /// <summary>
    /// The gradient of final loop variable <paramref name="index"/> (weighted by <paramref name="upstream"/>) with
    /// respect to the floating inputs marked in <paramref name="wanted"/>, on concrete values: the loop runs again
    /// eagerly under a tape (replaying the condition and body graphs), which then differentiates through every
    /// iteration. Null-free: an input the result does not depend on gets zeros.
    /// </summary>
    public Tensor[] Gradients(Tensor[] inputs, int index, Tensor upstream, bool[] wanted)
    {
        using var eager = ExecutionContext.Enter(ExecutionContext.Eager);
        using var hidden = TapeStack.Suspend();
        int n = LoopCount;
        var sources = new Tensor[inputs.Length];
        var watched = new List<Tensor>();
        using var tape = new GradientTape();
        for (int j = 0; j < sources.Length; j++)
        {
            sources[j] = Tf.Identity(inputs[j]);
            if (wanted[j])
            {
                tape.Watch(sources[j]);
                watched.Add(sources[j]);
            }
        }

        var options = new GraphReplay.Options(VariableValues: new(ReferenceEqualityComparer.Instance), SideEffects: false);
        Tensor[] conditionCaptures = sources[n..(n + ConditionCaptureCount)];
        Tensor[] bodyCaptures = sources[(n + ConditionCaptureCount)..];
        Tensor[] vars = ControlFlow.Iterate(
            sources[..n],
            MaximumIterations,
            v => GraphReplay.Run(Condition, [.. v, .. conditionCaptures], options)[0].Item<bool>(),
            v => GraphReplay.Run(Body, [.. v, .. bodyCaptures], options));

        Tensor?[] gradients = tape.Gradient([vars[index]], watched, [upstream]);
        var results = new Tensor[watched.Count];
        for (int m = 0; m < results.Length; m++)
        {
            results[m] = gradients[m] ?? Tf.ZerosLike(watched[m]);
        }

        return results;
    }
}

/// <summary>
/// The tape entry of final loop variable <c>k</c> of a traced WhileLoop (inputs: the node's inputs). Its gradient
/// is a <see cref="WhileGradientOp"/> node: the loop is run again under a tape when the graph runs (so no
/// per-iteration state is kept in the forward pass). Gradients of that gradient are not available yet, and a tape
/// asking for one gets an error rather than a silent zero.
/// </summary>
internal sealed class WhileResultGradient(WhileOp loop, int index) : Op("WhileGrad")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => loop.ResultSpecs[index];

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("WhileGrad is a tape entry, never run.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        var wanted = new bool[inputs.Length];
        bool any = false;
        for (int j = 0; j < wanted.Length; j++)
        {
            wanted[j] = needsGradient[j] && inputs[j].DType.IsFloating;
            any |= wanted[j];
        }

        if (!any)
        {
            return;
        }

        Tensor[] values = [.. inputs, upstream];
        Tensor[] gradients;
        if (ExecutionContext.Current is TracingContext tracing)
        {
            var op = new WhileGradientOp(loop, index, wanted, inputs);
            SymbolicTensor[] results = TupleNodes.Add(tracing, op, values, out SymbolicTensor[] symbolic);
            foreach (SymbolicTensor g in results)
            {
                TracingContext.RecordResult(NoHigherOrder.Instance, symbolic, g);
            }

            gradients = results;
        }
        else
        {
            gradients = loop.Gradients(values[..^1], index, upstream, wanted);
        }

        int next = 0;
        for (int j = 0; j < wanted.Length; j++)
        {
            if (wanted[j])
            {
                result[j] = gradients[next++];
            }
        }
    }

    /// <summary>Stands for a loop gradient on a tape: differentiating it again throws.</summary>
    private sealed class NoHigherOrder() : Op("WhileGradGrad")
    {
        public static readonly NoHigherOrder Instance = new();

        public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => throw new InvalidOperationException(Message);

        public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output) => throw new InvalidOperationException(Message);

        public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
            => throw new InvalidOperationException(Message);

        private const string Message =
            "Second-order gradients through a Tf.WhileLoop inside a traced function are not supported yet: compute them " +
            "eagerly (outside the function, or with Tf.Config.RunFunctionsEagerly), where the loop's iterations are on the tape.";
    }
}

/// <summary>The gradients of a traced loop's result with respect to its floating inputs, computed when the graph runs (<see cref="WhileOp.Gradients"/>).</summary>
internal sealed class WhileGradientOp : GraphOp, ITupleOp, IGraphStateful
{
    private readonly WhileOp _loop;
    private readonly int _index;
    private readonly bool[] _wanted;

    public WhileGradientOp(WhileOp loop, int index, bool[] wanted, ReadOnlySpan<Tensor> inputs)
        : base("WhileGradient")
    {
        _loop = loop;
        _index = index;
        _wanted = wanted;
        var specs = new List<TensorSpec>();
        for (int j = 0; j < wanted.Length; j++)
        {
            if (wanted[j])
            {
                specs.Add(new TensorSpec(inputs[j].Shape, inputs[j].DType));
            }
        }

        ResultSpecs = specs;
    }

    public IReadOnlyList<TensorSpec> ResultSpecs { get; }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Shape.Scalar, DType.Bool);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
        => new TupleTensor(_loop.Gradients(inputs[..^1].ToArray(), _index, inputs[^1], _wanted));

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("WhileGradient is evaluated, never computed into a buffer.");

    public Tensor[] Replay(Tensor[] inputs, GraphReplay.Options options)
        => ExecutionContext.Current is TracingContext tracing
            ? TupleNodes.Add(tracing, this, inputs)
            : _loop.Gradients(inputs[..^1], _index, inputs[^1], _wanted);
}
