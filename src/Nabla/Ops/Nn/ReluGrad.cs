using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// TensorFlow's <c>ReluGrad(gradients, features)</c>: <c>gradients * (features &gt; 0)</c> in one pass. It is Relu's
/// gradient rule; the composite it replaces (Greater, Cast, Multiply) made two extra full-size tensors per ReLU
/// on every backward pass. The multiply (rather than a select) keeps TensorFlow's results exactly: a NaN or
/// infinite gradient where the feature is not positive gives NaN, as <c>NaN * 0</c> does.
/// </summary>
/// <remarks>
/// Its own gradient: linear in <c>gradients</c> with the same mask, so <c>ReluGrad(g, features)</c>; nothing flows to
/// <c>features</c> (the mask is piecewise constant), as in TensorFlow's <c>_ReluGradGrad</c>.
/// </remarks>
internal sealed class ReluGradOp : Op
{
    public static readonly ReluGradOp Instance = new();

    private static readonly DTypeSet s_supported = DTypeSet.Of(DType.Int32, DType.Int64, DType.Float32, DType.Float64);

    private ReluGradOp()
        : base("ReluGrad")
    {
    }

    /// <summary>Whether the fused kernel handles <paramref name="dtype"/> (float16/bfloat16 use the composite).</summary>
    public static bool Supports(DType dtype) => s_supported.Contains(dtype);

    // Elementwise: the shapes of gradients and features must be compatible.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor gradients = inputs[0], features = inputs[1];
        if (!gradients.Shape.IsCompatibleWith(features.Shape) || gradients.DType != features.DType)
        {
            throw new ArgumentException(
                $"ReluGrad: gradients {gradients.Shape} {gradients.DType} and features {features.Shape} {features.DType} " +
                "must have the same shape and dtype.");
        }

        DTypeRules.Require(Name, gradients.DType, s_supported, gradients.Shape);
        return new TensorSpec(gradients.Shape.IsFullyDefined ? gradients.Shape : features.Shape, gradients.DType);
    }

    // float32 on one thread: the precompiled loop (start-up, issue 11), which computes Apply's bits.
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        if (output.DType == DType.Float32 && ParallelFor.ChunkCount(output.Size) <= 1)
        {
            Float32Spans.ReluGrad(inputs[0].Read<float>(), inputs[1].Read<float>(), output.Write<float>());
            return;
        }

        DTypeDispatch.Numeric(default(Body), inputs, output, output.DType);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = needsGradient[0] ? Instance.Call(upstream, inputs[1]) : null;

    /// <summary>y = g * (x &gt; 0) over spans of equal length.</summary>
    internal static void Apply<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            Float32Spans.ReluGrad(Float32Spans.Of(g), Float32Spans.Of(x), Float32Spans.Of(y));
            return;
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var zero = Vector<T>.Zero;
            var one = Vector<T>.One;
            for (; i <= y.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var mask = Vector.GreaterThan(new Vector<T>(x[i..]), zero);
                (new Vector<T>(g[i..]) * Vector.ConditionalSelect(mask, one, zero)).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] = g[i] * (x[i] > T.Zero ? T.One : T.Zero);
        }
    }

    // Large tensors are split over the cores; the spans are pinned for the chunks.
    private readonly unsafe struct Body : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
        {
            fixed (T* g = o.In(0))
            fixed (T* x = o.In(1))
            fixed (T* y = o.Out)
            {
                ParallelFor.Run(o.Output.Size, new Chunk<T>(g, x, y));
            }
        }
    }

    private readonly unsafe struct Chunk<T>(T* g, T* x, T* y) : IRangeBody
        where T : unmanaged, INumber<T>
    {
        public void Invoke(int start, int end)
            => Apply<T>(new ReadOnlySpan<T>(g + start, end - start), new ReadOnlySpan<T>(x + start, end - start), new Span<T>(y + start, end - start));
    }
}
