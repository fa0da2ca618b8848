namespace Nabla;

/// <summary>
/// TensorFlow's <c>If</c>: runs one of two traced branches on the captured values, chosen by a bool scalar when
/// the graph runs. Inputs: the predicate, the true branch's captures, the false branch's captures; results: the
/// branch's outputs (same count, dtypes and shapes in both branches). Never pruned or merged: a branch may assign
/// variables or print.
/// </summary>
internal sealed class CondOp : GraphOp, ITupleOp, IGraphSideEffect, IGraphStateful
{
    private readonly Lazy<GraphExecutor> _true;
    private readonly Lazy<GraphExecutor> _false;

    public CondOp(TracedBranch whenTrue, TracedBranch whenFalse, TensorSpec[] resultSpecs)
        : base("If")
    {
        True = whenTrue.Graph;
        False = whenFalse.Graph;
        TrueCaptureCount = whenTrue.Captures.Length;
        ResultSpecs = resultSpecs;
        _true = new Lazy<GraphExecutor>(() => new GraphExecutor(True, allowInPlaceUpdates: false));
        _false = new Lazy<GraphExecutor>(() => new GraphExecutor(False, allowInPlaceUpdates: false));
    }

    public FuncGraph True { get; }

    public FuncGraph False { get; }

    public int TrueCaptureCount { get; }

    public IReadOnlyList<TensorSpec> ResultSpecs { get; }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Shape.Scalar, DType.Bool);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        int captures = inputs.Length - 1;
        Tensor[] results = inputs[0].Item<bool>()
            ? _true.Value.Run(TupleNodes.Slice(inputs, 1, TrueCaptureCount), null)
            : _false.Value.Run(TupleNodes.Slice(inputs, 1 + TrueCaptureCount, captures - TrueCaptureCount), null);
        return new TupleTensor(results);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("If is evaluated, never computed into a buffer.");

    public Tensor[] Replay(Tensor[] inputs, GraphReplay.Options options)
    {
        Tensor[] whenTrue = inputs[1..(1 + TrueCaptureCount)];
        Tensor[] whenFalse = inputs[(1 + TrueCaptureCount)..];
        return Tf.Cond(inputs[0], () => GraphReplay.Run(True, whenTrue, options), () => GraphReplay.Run(False, whenFalse, options));
    }
}

/// <summary>
/// The tape entry of result <c>k</c> of a traced Cond (inputs: the predicate and every capture). Its gradient is a
/// Cond again, over the branches' own gradients (each branch replayed under a tape), so it is traced, planned and
/// differentiable to any order; a capture the taken branch does not use gets zeros.
/// </summary>
internal sealed class CondResultGradient(CondOp cond, int index) : Op("IfGrad")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => cond.ResultSpecs[index];

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new InvalidOperationException("IfGrad is a tape entry, never run.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor[] captures = inputs[1..].ToArray();
        var wanted = new List<int>();
        for (int j = 0; j < captures.Length; j++)
        {
            if (needsGradient[1 + j] && captures[j].DType.IsFloating)
            {
                wanted.Add(j);
            }
        }

        if (wanted.Count == 0)
        {
            return;
        }

        int split = cond.TrueCaptureCount;
        Tensor[] gradients = Tf.Cond(
            inputs[0],
            () => BranchGradients(cond.True, captures, 0, split, wanted, upstream),
            () => BranchGradients(cond.False, captures, split, captures.Length, wanted, upstream));
        for (int m = 0; m < wanted.Count; m++)
        {
            result[1 + wanted[m]] = gradients[m];
        }
    }

    // The gradient of the branch's result `index` with respect to every wanted capture (zeros for the other branch's).
    private Tensor[] BranchGradients(FuncGraph branch, Tensor[] captures, int first, int end, List<int> wanted, Tensor upstream)
    {
        var local = new Tensor[end - first];
        using var tape = new GradientTape();
        for (int j = 0; j < local.Length; j++)
        {
            local[j] = Tf.Identity(captures[first + j]);
            tape.Watch(local[j]);
        }

        var options = new GraphReplay.Options(VariableValues: new(ReferenceEqualityComparer.Instance), SideEffects: false);
        Tensor y = GraphReplay.Run(branch, local, options)[index];
        var sources = new List<Tensor>();
        foreach (int j in wanted)
        {
            if (j >= first && j < end)
            {
                sources.Add(local[j - first]);
            }
        }

        Tensor?[] gradients = tape.Gradient([y], sources, [Tf.Identity(upstream)]);
        var results = new Tensor[wanted.Count];
        int next = 0;
        for (int m = 0; m < wanted.Count; m++)
        {
            int j = wanted[m];
            Tensor? g = j >= first && j < end ? gradients[next++] : null;
            results[m] = g ?? Tf.ZerosLike(captures[j]);
        }

        return results;
    }
}
