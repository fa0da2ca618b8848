using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// An elementwise op of one input with the output's shape. Subclasses state their kernel as tiles
/// (<see cref="IUnaryTile{TIn, TOut}"/> for each element type they compute in: the kernel families below do it from
/// a kernel struct) and one derivative <c>f'(x)</c> (ARCHITECTURE.md P5), which the base class turns into the
/// gradient <c>upstream * f'(x)</c>. <see cref="Forward"/> runs the tiles, so the fusion pass and the eager path
/// compute with the same code.
/// </summary>
internal abstract class ElementwiseUnaryOp : Op
{
    public override bool SupportsUnknownDims => true;

    protected ElementwiseUnaryOp(string name, DTypeSet supported)
        : base(name) => Supported = supported;

    /// <summary>The input dtypes accepted.</summary>
    public DTypeSet Supported { get; }

    /// <summary>The output dtype for an input dtype (the same, except for predicates such as IsNan).</summary>
    protected virtual DType OutputDType(DType input) => input;

    /// <summary>The op's <see cref="SmallFloat"/> path for small float32/float64 tensors (start-up), if it has one.</summary>
    internal virtual SmallUnary SmallKind => SmallUnary.None;

    /// <summary>The op's precompiled <see cref="Float32Spans"/> loop for float32, if it has one (start-up, issue 11).</summary>
    internal virtual Float32Unary Float32Kind => Float32Unary.None;

    /// <summary>
    /// Runs the op's tile kernel over the input (float16/bfloat16 widened tile by tile); small float tensors of the
    /// ops that have one take the precompiled <see cref="SmallFloat"/> path, which computes the same bits.
    /// </summary>
    public sealed override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        if (Float32Kind != Float32Unary.None && x.DType == DType.Float32 && output.DType == DType.Float32 && x.Size == output.Size
            && output.Size <= Float32Spans.MaxLength)
        {
            Float32Spans.Unary(Float32Kind, x.Read<float>(), output.Write<float>()); // the tile's bits, precompiled
        }
        else if (!SmallFloat.TryUnary(SmallKind, x, output))
        {
            DTypeDispatch.Elementwise(this, x, output);
        }
    }

    /// <summary>
    /// The graph's fusion entry point: applies the op's float32 kernel to one span, <c>y[i] = f(x[i])</c>, with one
    /// call per span (never per element). <paramref name="x"/> and <paramref name="y"/> have one length and may be
    /// the same span. Returns false, writing nothing, when the op has no float32-to-float32 kernel (integer-only ops,
    /// predicates such as IsNan). The op's float32 tile is the very kernel its eager <see cref="Forward"/> runs.
    /// </summary>
    internal virtual bool TryApplyFloat32(ReadOnlySpan<float> x, Span<float> y)
    {
        if (this is not IUnaryTile<float, float> tile || !Supported.Contains(DType.Float32))
        {
            return false;
        }

        if (x.Length != y.Length)
        {
            throw new ArgumentException($"{Name}: the float32 kernel takes spans of one length, got {x.Length} and {y.Length}.");
        }

        if (Float32Kind != Float32Unary.None)
        {
            Float32Spans.Unary(Float32Kind, x, y); // what the tile computes, precompiled (Float32Spans)
        }
        else
        {
            tile.ApplyTile(x, y);
        }

        return true;
    }

    /// <summary>
    /// The op's one-register float32 kernel (an <see cref="IVectorUnaryKernel"/> struct) for the compiled fusion path,
    /// or null when it has none; then a group holding the op runs in the tile interpreter.
    /// </summary>
    internal virtual Type? VectorKernel => null;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, Supported, x.Shape);
        return new TensorSpec(x.Shape, OutputDType(x.DType));
    }

    // upstream * f'(x). Relu overrides it with its fused ReluGrad op; other ops state only Derivative.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor? derivative = Derivative(inputs[0], output);
        if (derivative is null)
        {
            result[0] = null;
            return;
        }

        Tensor product = Backprop.TimesUpstream(upstream, derivative);
        result[0] = ZeroUpstreamGivesZero && !Backprop.IsSharedSeed(upstream)
            ? Tf.Where(Tf.Equal(upstream, 0), Tf.ZerosLike(product), product)
            : product;
    }

    /// <summary>
    /// Whether a zero upstream gradient gives a zero gradient even where f'(x) is infinite or NaN: TensorFlow's
    /// Sqrt, Rsqrt and Reciprocal gradient kernels multiply by the upstream with mul_no_nan
    /// (cwise_ops_gradients.h), so a masked-out element (upstream 0) at x = 0 or below stays 0, not NaN.
    /// </summary>
    protected virtual bool ZeroUpstreamGivesZero => false;

    /// <summary>
    /// f'(x) written with public ops (so it can be differentiated again); <paramref name="y"/> is f(x), handy
    /// for Exp, Sigmoid, Tanh. Null means no gradient flows (IsNan, IsFinite).
    /// </summary>
    protected abstract Tensor? Derivative(Tensor x, Tensor y);
}

/// <summary>An elementwise op over the integer and floating dtypes, computed by <typeparamref name="TKernel"/>.</summary>
internal abstract class NumericUnaryOp<TKernel> : ElementwiseUnaryOp,
    IUnaryTile<float, float>, IUnaryTile<double, double>, IUnaryTile<int, int>, IUnaryTile<long, long>,
    IUnaryTile<sbyte, sbyte>, IUnaryTile<byte, byte>, IUnaryTile<short, short>
    where TKernel : INumericUnaryKernel
{
    protected NumericUnaryOp(string name)
        : base(name, DTypeSet.Numeric)
    {
    }

    internal override Type? VectorKernel => typeof(TKernel).IsAssignableTo(typeof(IVectorUnaryKernel)) ? typeof(TKernel) : null;

    public void ApplyTile(ReadOnlySpan<float> x, Span<float> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<double> x, Span<double> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<int> x, Span<int> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<long> x, Span<long> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<sbyte> x, Span<sbyte> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<byte> x, Span<byte> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<short> x, Span<short> y) => TKernel.Apply(x, y);
}

/// <summary>An elementwise op over the floating dtypes only, computed by <typeparamref name="TKernel"/>.</summary>
internal abstract class FloatUnaryOp<TKernel> : ElementwiseUnaryOp, IUnaryTile<float, float>, IUnaryTile<double, double>
    where TKernel : IFloatUnaryKernel
{
    protected FloatUnaryOp(string name)
        : base(name, DTypeSet.Floating)
    {
    }

    internal override Type? VectorKernel => typeof(TKernel).IsAssignableTo(typeof(IVectorUnaryKernel)) ? typeof(TKernel) : null;

    public void ApplyTile(ReadOnlySpan<float> x, Span<float> y) => TKernel.Apply(x, y);

    public void ApplyTile(ReadOnlySpan<double> x, Span<double> y) => TKernel.Apply(x, y);
}
