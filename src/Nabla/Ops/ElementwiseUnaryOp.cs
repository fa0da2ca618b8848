using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// An elementwise op of one input with the output's shape. Subclasses state one derivative
/// <c>f'(x)</c> (ARCHITECTURE.md P5) and the base class turns it into the gradient <c>upstream * f'(x)</c>.
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
        result[0] = derivative is null ? null : Backprop.TimesUpstream(upstream, derivative);
    }

    /// <summary>
    /// f'(x) written with public ops (so it can be differentiated again); <paramref name="y"/> is f(x), handy
    /// for Exp, Sigmoid, Tanh. Null means no gradient flows (IsNan, IsFinite).
    /// </summary>
    protected abstract Tensor? Derivative(Tensor x, Tensor y);
}

/// <summary>An elementwise op over int32, int64 and the floating dtypes, computed by <typeparamref name="TKernel"/>.</summary>
internal abstract class NumericUnaryOp<TKernel> : ElementwiseUnaryOp
    where TKernel : INumericUnaryKernel
{
    protected NumericUnaryOp(string name)
        : base(name, DTypeSet.Numeric)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        switch (x.DType.Code)
        {
            case DTypeCode.Int32: UnaryDriver.Numeric<int, TKernel>((int[])x.Buffer, (int[])output.Buffer, x.Size); break;
            case DTypeCode.Int64: UnaryDriver.Numeric<long, TKernel>((long[])x.Buffer, (long[])output.Buffer, x.Size); break;
            case DTypeCode.Float32: UnaryDriver.Numeric<float, TKernel>((float[])x.Buffer, (float[])output.Buffer, x.Size); break;
            case DTypeCode.Float64: UnaryDriver.Numeric<double, TKernel>((double[])x.Buffer, (double[])output.Buffer, x.Size); break;
            default: UnaryDriver.NumericReduced<TKernel>(x.Buffer, output.Buffer, x.DType, x.Size); break;
        }
    }
}

/// <summary>An elementwise op over the floating dtypes only, computed by <typeparamref name="TKernel"/>.</summary>
internal abstract class FloatUnaryOp<TKernel> : ElementwiseUnaryOp
    where TKernel : IFloatUnaryKernel
{
    protected FloatUnaryOp(string name)
        : base(name, DTypeSet.Floating)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        switch (x.DType.Code)
        {
            case DTypeCode.Float32: UnaryDriver.Float<float, TKernel>((float[])x.Buffer, (float[])output.Buffer, x.Size); break;
            case DTypeCode.Float64: UnaryDriver.Float<double, TKernel>((double[])x.Buffer, (double[])output.Buffer, x.Size); break;
            default: UnaryDriver.FloatReduced<TKernel>(x.Buffer, output.Buffer, x.DType, x.Size); break;
        }
    }
}
