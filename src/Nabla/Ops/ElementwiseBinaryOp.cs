using System.Numerics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// An elementwise op of two inputs with NumPy broadcasting. Its dtype rule, applied by <see cref="Op.Call(Tensor, Tensor)"/>,
/// unifies the operands (weak C# values adopt the tensor's dtype, strong mismatches throw) before dispatch. Gradients are
/// returned in the broadcast output's shape; the tape sums them back to each input's shape (P6). The kernel families
/// below state the kernel once as a struct: <c>Forward</c> runs it per contiguous run of the broadcast walk
/// (<see cref="Broadcasting"/>, float16/bfloat16 widened by <see cref="DTypeDispatch"/>), and the same struct is the
/// op's tile kernel (<see cref="IBinaryTile{TIn, TOut}"/>) for the fusion pass.
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

    /// <summary>The op's <see cref="SmallFloat"/> path for small float32/float64 tensors (start-up), if it has one.</summary>
    internal virtual SmallBinary SmallKind => SmallBinary.None;

    /// <summary>
    /// Runs the op: small float tensors by <see cref="SmallFloat"/>, float32 tensors of up to
    /// <see cref="Float32Spans.MaxLength"/> elements without a row broadcast by <see cref="Float32Spans"/> (both
    /// precompiled), the rest by <see cref="ForwardKernels"/>.
    /// </summary>
    public sealed override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        if (!SmallFloat.TryBinary(SmallKind, inputs, output) && !TryFloat32(inputs, output))
        {
            ForwardKernels(inputs, output);
        }
    }

    // The general path's bits for these shapes (each element one IEEE operation, Float32Spans' remarks), without its
    // generic layers, which the JIT compiles in a fresh process (issue 11). An input of the output's size broadcasts
    // only by leading or unit dimensions, so its row-major order is the output's.
    private bool TryFloat32(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        int n = output.Size;
        if (SmallKind == SmallBinary.None || output.DType != DType.Float32 || x.DType != DType.Float32 || y.DType != DType.Float32
            || n > Float32Spans.MaxLength)
        {
            return false;
        }

        if (x.Size == n && y.Size == n)
        {
            Float32Spans.Binary(SmallKind, x.Read<float>(), y.Read<float>(), output.Write<float>());
        }
        else if (x.Size == n && y.Size == 1)
        {
            Float32Spans.Binary(SmallKind, x.Read<float>(), y.Read<float>()[0], output.Write<float>());
        }
        else if (x.Size == 1 && y.Size == n)
        {
            Float32Spans.Binary(SmallKind, x.Read<float>()[0], y.Read<float>(), output.Write<float>());
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>Runs the op's kernels over every dtype and shape it supports.</summary>
    protected abstract void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output);

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

    /// <summary>
    /// The graph's fusion entry point: applies the op's float32 kernel to two runs of one length,
    /// <c>z[i] = f(x[i], y[i])</c>, with one call per span (never per element); <paramref name="z"/> may be one of the
    /// inputs. Returns false, writing nothing, when the op has no float32 kernel with a float32 result (comparisons,
    /// logical ops, integer-only ops). The op's float32 tile is the very kernel its eager <c>Forward</c> runs per run.
    /// </summary>
    internal virtual bool TryApplyFloat32(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (this is not IBinaryTile<float, float> tile || !Supported.Contains(DType.Float32))
        {
            return false;
        }

        if (x.Length != z.Length || y.Length != z.Length)
        {
            throw new ArgumentException($"{Name}: the float32 kernel takes runs of one length, got {x.Length}, {y.Length} and {z.Length}.");
        }

        if (SmallKind != SmallBinary.None)
        {
            Float32Spans.Binary(SmallKind, x, y, z); // what the tile computes, precompiled (Float32Spans)
        }
        else
        {
            tile.ApplyTile(x, y, z);
        }

        return true;
    }

    /// <summary>
    /// The op's one-register float32 kernel (an <see cref="IVectorBinaryKernel"/> struct) for the compiled fusion path,
    /// or null when it has none; then a group holding the op runs in the tile interpreter.
    /// </summary>
    internal virtual Type? VectorKernel => null;

    /// <summary>Runs a binary run-kernel over the two broadcast operands of <paramref name="o"/>.</summary>
    protected static void Broadcast<T, TZ, TRun>(in Operands<T> o, Span<TZ> z)
        where T : unmanaged
        where TRun : IBinaryRun<T, T, TZ>
        => Broadcasting.Binary<T, T, TZ, TRun>(o.In(0), o.Input(0).Shape.Dims, o.In(1), o.Input(1).Shape.Dims, z, o.Output.Shape.Dims);
}

/// <summary>A broadcasting binary op over int32, int64 and the floating dtypes.</summary>
internal abstract class NumericBinaryOp<TKernel> : ElementwiseBinaryOp,
    IBinaryTile<float, float>, IBinaryTile<double, double>, IBinaryTile<int, int>, IBinaryTile<long, long>
    where TKernel : INumericBinaryKernel
{
    protected NumericBinaryOp(string name)
        : base(name, DTypeSet.Numeric)
    {
    }

    protected override void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Numeric(default(Body), inputs, output, inputs[0].DType);

    internal override Type? VectorKernel => typeof(TKernel).IsAssignableTo(typeof(IVectorBinaryKernel)) ? typeof(TKernel) : null;

    public void ApplyTile(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<float> x, float y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(float x, ReadOnlySpan<float> y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, double y, Span<double> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(double x, ReadOnlySpan<double> y, Span<double> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<int> x, int y, Span<int> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(int x, ReadOnlySpan<int> y, Span<int> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<long> x, long y, Span<long> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(long x, ReadOnlySpan<long> y, Span<long> z) => TKernel.Apply(x, y, z);

    private readonly struct Body : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
            => Broadcast<T, T, NumericRun<T, TKernel>>(o, o.Out);
    }
}

/// <summary>A broadcasting binary op over the floating dtypes only.</summary>
internal abstract class FloatBinaryOp<TKernel> : ElementwiseBinaryOp, IBinaryTile<float, float>, IBinaryTile<double, double>
    where TKernel : IFloatBinaryKernel
{
    protected FloatBinaryOp(string name)
        : base(name, DTypeSet.Floating)
    {
    }

    protected override void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Float(default(Body), inputs, output, inputs[0].DType);

    internal override Type? VectorKernel => typeof(TKernel).IsAssignableTo(typeof(IVectorBinaryKernel)) ? typeof(TKernel) : null;

    public void ApplyTile(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<float> x, float y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(float x, ReadOnlySpan<float> y, Span<float> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, double y, Span<double> z) => TKernel.Apply(x, y, z);

    public void ApplyTile(double x, ReadOnlySpan<double> y, Span<double> z) => TKernel.Apply(x, y, z);

    private readonly struct Body : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Broadcast<T, T, FloatRun<T, TKernel>>(o, o.Out);
    }
}

/// <summary>A broadcasting comparison producing bool, over every dtype (bool compares as 0/1).</summary>
internal abstract class ComparisonOp<TKernel> : ElementwiseBinaryOp,
    IBinaryTile<float, bool>, IBinaryTile<double, bool>, IBinaryTile<int, bool>, IBinaryTile<long, bool>, IBinaryTile<bool, bool>
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

    protected override void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.NumericOrBool(default(Body), inputs, output, inputs[0].DType);

    public void ApplyTile(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<bool> z) => ComparisonRun<float, TKernel>.RunRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<float> x, float y, Span<bool> z) => ComparisonRun<float, TKernel>.RunScalar(x, y, z);

    public void ApplyTile(float x, ReadOnlySpan<float> y, Span<bool> z) => ComparisonRun<float, TKernel>.ScalarRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<bool> z) => ComparisonRun<double, TKernel>.RunRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<double> x, double y, Span<bool> z) => ComparisonRun<double, TKernel>.RunScalar(x, y, z);

    public void ApplyTile(double x, ReadOnlySpan<double> y, Span<bool> z) => ComparisonRun<double, TKernel>.ScalarRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<bool> z) => ComparisonRun<int, TKernel>.RunRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<int> x, int y, Span<bool> z) => ComparisonRun<int, TKernel>.RunScalar(x, y, z);

    public void ApplyTile(int x, ReadOnlySpan<int> y, Span<bool> z) => ComparisonRun<int, TKernel>.ScalarRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<bool> z) => ComparisonRun<long, TKernel>.RunRun(x, y, z);

    public void ApplyTile(ReadOnlySpan<long> x, long y, Span<bool> z) => ComparisonRun<long, TKernel>.RunScalar(x, y, z);

    public void ApplyTile(long x, ReadOnlySpan<long> y, Span<bool> z) => ComparisonRun<long, TKernel>.ScalarRun(x, y, z);

    // bool compares as its 0/1 byte.
    public void ApplyTile(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> z)
        => ComparisonRun<byte, TKernel>.RunRun(MemoryMarshal.Cast<bool, byte>(x), MemoryMarshal.Cast<bool, byte>(y), z);

    public void ApplyTile(ReadOnlySpan<bool> x, bool y, Span<bool> z)
        => ComparisonRun<byte, TKernel>.RunScalar(MemoryMarshal.Cast<bool, byte>(x), y ? (byte)1 : (byte)0, z);

    public void ApplyTile(bool x, ReadOnlySpan<bool> y, Span<bool> z)
        => ComparisonRun<byte, TKernel>.ScalarRun(x ? (byte)1 : (byte)0, MemoryMarshal.Cast<bool, byte>(y), z);

    private readonly struct Body : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
            => Broadcast<T, bool, ComparisonRun<T, TKernel>>(o, o.OutAs<bool>());
    }
}
