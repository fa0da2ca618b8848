using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// An elementwise op of two inputs with NumPy broadcasting. Its dtype rule, applied by <see cref="Op.Call(Tensor, Tensor)"/>,
/// unifies the operands (weak C# values adopt the tensor's dtype, strong mismatches throw) before dispatch. Gradients are returned in the
/// broadcast output's shape; the tape sums them back to each input's shape (P6).
/// </summary>
internal abstract class ElementwiseBinaryOp : Op
{
    public override bool SupportsUnknownDims => true;

    protected ElementwiseBinaryOp(string name, DTypeSet supported)
        : base(name) => Supported = supported;

    /// <summary>The input dtypes accepted (both inputs share one dtype).</summary>
    public DTypeSet Supported { get; }

    /// <summary>The output dtype for the inputs' dtype (bool for comparisons).</summary>
    protected virtual DType OutputDType(DType input) => input;

    /// <summary>Both operands take one dtype (TensorFlow's rule for binary ops).</summary>
    protected override void ApplyDTypeRules(Span<Tensor> inputs) => DTypeRules.Unify(Name, ref inputs[0], ref inputs[1], inputsOnly: true);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        if (x.DType != y.DType)
        {
            Tensor a = x;
            Tensor b = y;
            DTypeRules.Unify(Name, ref a, ref b); // throws the standard message for strong operands
        }

        DTypeRules.Require(Name, x.DType, Supported, x.Shape);
        return new TensorSpec(DTypeRules.BroadcastShapes(Name, x.Shape, y.Shape), OutputDType(x.DType));
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        if (x.DType.IsReducedPrecision)
        {
            // Compute in float32, then narrow: the reduced-precision dtypes have no arithmetic of their own.
            float[] wx = ReducedPrecision.Widen(x.Buffer, x.DType, x.Size);
            float[] wy = ReducedPrecision.Widen(y.Buffer, y.DType, y.Size);
            var wide = new Tensor(wx, x.Shape, DType.Float32);
            var wideY = new Tensor(wy, y.Shape, DType.Float32);
            Tensor result = Tensor.Uninitialized(output.Shape, OutputDType(DType.Float32));
            Compute(wide, wideY, result);
            if (result.DType == DType.Float32)
            {
                ReducedPrecision.Narrow(result.Read<float>(), output.Buffer, output.DType, output.Size);
            }
            else
            {
                result.Read<bool>().CopyTo(output.Write<bool>());
            }

            ReducedPrecision.Return(wx);
            ReducedPrecision.Return(wy);
            return;
        }

        Compute(x, y, output);
    }

    /// <summary>Runs the kernel for a non-reduced dtype (bool, int32, int64, float32, float64).</summary>
    protected abstract void Compute(Tensor x, Tensor y, Tensor output);

    /// <summary>Runs a binary run-kernel over two broadcast operands.</summary>
    protected static void Run<TX, TZ, TRun>(Tensor x, Tensor y, Tensor output)
        where TRun : IBinaryRun<TX, TX, TZ>
        => Broadcasting.Binary<TX, TX, TZ, TRun>(x.Read<TX>(), x.Shape.Dims, y.Read<TX>(), y.Shape.Dims, output.Write<TZ>(), output.Shape.Dims);
}

/// <summary>A broadcasting binary op over int32, int64 and the floating dtypes.</summary>
internal abstract class NumericBinaryOp<TKernel> : ElementwiseBinaryOp
    where TKernel : INumericBinaryKernel
{
    protected NumericBinaryOp(string name)
        : base(name, DTypeSet.Numeric)
    {
    }

    protected override void Compute(Tensor x, Tensor y, Tensor output)
    {
        switch (x.DType.Code)
        {
            case DTypeCode.Int32: Run<int, int, NumericRun<int, TKernel>>(x, y, output); break;
            case DTypeCode.Int64: Run<long, long, NumericRun<long, TKernel>>(x, y, output); break;
            case DTypeCode.Float32: Run<float, float, NumericRun<float, TKernel>>(x, y, output); break;
            default: Run<double, double, NumericRun<double, TKernel>>(x, y, output); break;
        }
    }
}

/// <summary>A broadcasting binary op over the floating dtypes only.</summary>
internal abstract class FloatBinaryOp<TKernel> : ElementwiseBinaryOp
    where TKernel : IFloatBinaryKernel
{
    protected FloatBinaryOp(string name)
        : base(name, DTypeSet.Floating)
    {
    }

    protected override void Compute(Tensor x, Tensor y, Tensor output)
    {
        if (x.DType.Code == DTypeCode.Float32)
        {
            Run<float, float, FloatRun<float, TKernel>>(x, y, output);
        }
        else
        {
            Run<double, double, FloatRun<double, TKernel>>(x, y, output);
        }
    }
}

/// <summary>A broadcasting comparison producing bool, over every dtype (bool compares as 0/1).</summary>
internal abstract class ComparisonOp<TKernel> : ElementwiseBinaryOp
    where TKernel : IComparisonKernel
{
    protected ComparisonOp(string name, DTypeSet supported)
        : base(name, supported)
    {
    }

    protected sealed override DType OutputDType(DType input) => DType.Bool;

    public sealed override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        // No gradient (a bool result): every slot stays null.
    }

    protected override void Compute(Tensor x, Tensor y, Tensor output)
    {
        switch (x.DType.Code)
        {
            case DTypeCode.Bool:
                Broadcasting.Binary<byte, byte, bool, ComparisonRun<byte, TKernel>>(
                    System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(x.Read<bool>()), x.Shape.Dims,
                    System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(y.Read<bool>()), y.Shape.Dims,
                    output.Write<bool>(), output.Shape.Dims);
                break;
            case DTypeCode.Int32: Run<int, bool, ComparisonRun<int, TKernel>>(x, y, output); break;
            case DTypeCode.Int64: Run<long, bool, ComparisonRun<long, TKernel>>(x, y, output); break;
            case DTypeCode.Float32: Run<float, bool, ComparisonRun<float, TKernel>>(x, y, output); break;
            default: Run<double, bool, ComparisonRun<double, TKernel>>(x, y, output); break;
        }
    }
}
