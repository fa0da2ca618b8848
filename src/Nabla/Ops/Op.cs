using System.Runtime.CompilerServices;
using Nabla.Backends;

namespace Nabla;

/// <summary>Two op inputs held inline (on the caller's stack) for the allocation-free dispatch of binary ops.</summary>
[InlineArray(2)]
internal struct TwoInputs
{
    private Tensor _element;
}

/// <summary>
/// A primitive operation: a name, a shape/dtype rule, a forward kernel and a gradient rule written with public
/// <see cref="Tf"/> ops (so that an outer tape can differentiate the gradient again). An op object holds its
/// attributes (axes, permutations…) and is immutable; attribute-free ops are singletons.
/// Every call goes through <see cref="ExecutionContext.Execute"/>, the single dispatch point.
/// </summary>
internal abstract class Op
{
    protected Op(string name) => Name = name;

    /// <summary>TensorFlow's op name, used in error messages (<c>AddV2</c>, <c>MatMul</c>…).</summary>
    public string Name { get; }

    /// <summary>
    /// Whether <see cref="InferOutput"/> handles inputs with unknown dimensions (a function traced with an input
    /// signature such as <c>[null, 3]</c>): it then infers unknown output dimensions where they depend on them.
    /// Tracing any other op on such inputs throws, naming the op and the shapes.
    /// </summary>
    public virtual bool SupportsUnknownDims => false;

    /// <summary>
    /// The op's attributes by TensorFlow's NodeDef names (<c>transpose_a</c>, <c>strides</c>, <c>padding</c>...), as
    /// <see cref="GraphOperation.Attributes"/> shows them to exporters: ops with attributes declare them here.
    /// </summary>
    public virtual IReadOnlyDictionary<string, object> Attributes => GraphOperation.NoAttributes;

    /// <summary>Validates the inputs and returns the output's shape and dtype; throws with a TensorFlow-style message.</summary>
    public abstract TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs);

    /// <summary>
    /// Produces the output: by default allocates it and runs <see cref="Forward"/>. Ops whose output is a view of
    /// an input (Reshape, Identity) override this to share the input's immutable buffer instead of copying.
    /// </summary>
    public virtual Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        Tensor output = Tensor.Uninitialized(spec.Shape, spec.DType);
        if (output.Size > 0)
        {
            BackendRegistry.Run(this, inputs, output);
        }

        return output;
    }

    /// <summary>
    /// The input whose buffer <see cref="Evaluate"/> returns as the output's (a view: Reshape, Identity), or -1 when
    /// the output is a fresh buffer that <see cref="Forward"/> fills. A graph's memory plan keeps a viewed buffer
    /// alive as long as its views, and gives every other op a buffer of its own to fill.
    /// </summary>
    public virtual int AliasedInput => -1;

    /// <summary>Fills <paramref name="output"/> (allocated from <see cref="InferOutput"/>, uninitialised).</summary>
    public abstract void Forward(ReadOnlySpan<Tensor> inputs, Tensor output);

    /// <summary>
    /// The gradient rule (the vector-Jacobian product), the one way an op states its gradient: given the gradient
    /// <paramref name="upstream"/> of the output, writes the gradient of each input into <paramref name="result"/>
    /// (one slot per input, cleared by the caller). A slot left null means no gradient flows to that input: an op
    /// without any gradient (comparisons, ArgMax, FloorDiv, random numbers) leaves every slot null.
    /// Gradients are written only with public <see cref="Tf"/> ops, so an outer tape records them and nested
    /// tapes differentiate them again; they may have the broadcast output's shape (the tape sums them back to each
    /// input's shape). <paramref name="needsGradient"/> says which inputs the tape wants; skip the others.
    /// </summary>
    /// <remarks>
    /// Abstract, so the compiler asks every op for its rule. Writing into the caller's slots (stack space in the
    /// tape's walk) keeps a backward step free of allocations beyond the tensors the rule computes.
    /// </remarks>
    public abstract void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result);

    /// <summary>
    /// The op's dtype rule over its operands, applied by <see cref="Call(Tensor)"/> (every overload) before
    /// dispatch: replaces inputs by their conversions, e.g. a weak C# value by one of the dtype of the strong
    /// tensor beside it (<see cref="DTypeRules.Unify"/>), and throws TensorFlow's message for strong mismatches.
    /// The default keeps every input as it is (InferOutput then checks the dtypes). The converted inputs are only
    /// ever op inputs, never returned to the caller, so a small C# integer may become a shared cached scalar.
    /// </summary>
    protected virtual void ApplyDTypeRules(Span<Tensor> inputs)
    {
    }

    /// <summary>
    /// Runs the op: applies its dtype rules, then dispatches on the current execution context. This is the one
    /// call verb: every Tf method and gradient rule calls ops through it. The inputs live on the stack: no array
    /// is allocated unless a recording tape keeps the call.
    /// </summary>
    public Tensor Call(Tensor x)
    {
        ThrowIfNullInput(x, 0);
        Span<Tensor> inputs = new(ref x);
        ApplyDTypeRules(inputs);
        return ExecutionContext.Current.Execute(this, inputs);
    }

    /// <summary>Runs the op (dtype rules, then dispatch; inputs on the stack, as for one input).</summary>
    public Tensor Call(Tensor x, Tensor y)
    {
        ThrowIfNullInput(x, 0);
        ThrowIfNullInput(y, 1);
        TwoInputs inputs = default;
        inputs[0] = x;
        inputs[1] = y;
        ApplyDTypeRules(inputs);
        return ExecutionContext.Current.Execute(this, inputs);
    }

    /// <summary>Runs the op (dtype rules, then dispatch; the array is owned by the callee afterwards).</summary>
    public Tensor Call(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            ThrowIfNullInput(inputs[i], i);
        }

        ApplyDTypeRules(inputs);
        return ExecutionContext.Current.Execute(this, inputs);
    }

    // The op does not know the public method's parameter names, so a null input is reported by the op's name and
    // position (the parameter name left unset rather than naming an internal variable such as "x" for a public "a").
    private void ThrowIfNullInput(Tensor input, int index)
    {
        if (input is null)
        {
            ThrowNullInput(index);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowNullInput(int index) =>
        throw new ArgumentNullException(null, $"{Name}: input #{index} (zero-based) is null; every tensor argument must be a tensor [Op:{Name}].");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
