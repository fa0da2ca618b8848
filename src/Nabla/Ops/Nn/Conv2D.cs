using System.Numerics;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// 2-D convolution (cross-correlation, as TensorFlow's <c>tf.nn.conv2d</c>) of an NHWC
        /// <paramref name="input"/> (batch, height, width, in channels) with HWIO <paramref name="filters"/>
        /// (height, width, in channels, out channels). Computed as im2col followed by a matrix product. The gradients
        /// are <see cref="Conv2DBackpropInput"/> and <see cref="Conv2DBackpropFilter"/>, themselves differentiable.
        /// </summary>
        /// <param name="input">The input batch, rank 4 NHWC, floating.</param>
        /// <param name="filters">The filters, rank 4 HWIO, same dtype.</param>
        /// <param name="strides">1, 2 or 4 (as [1, h, w, 1]) positive strides.</param>
        /// <param name="padding"><c>"SAME"</c> (output ceil(in / stride)) or <c>"VALID"</c> (no padding).</param>
        /// <param name="dilations">1, 2 or 4 positive dilation rates; null for 1.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, channel count, stride, dilation or padding.</exception>
        public static Tensor Conv2D(Tensor input, Tensor filters, int[] strides, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(filters);
            string context = $"input {input.Shape} {input.DType}, filters {filters.Shape} {filters.DType}";
            WindowAttrs attrs = WindowAttrs.Parse("Conv2D", strides, dilations, padding, context);
            return new Conv2DOp(attrs).Call(input, filters);
        }

        /// <summary>2-D convolution with the same stride and dilation along height and width; see the array overload.</summary>
        /// <param name="input">The input batch, rank 4 NHWC.</param>
        /// <param name="filters">The filters, rank 4 HWIO.</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate along height and width.</param>
        public static Tensor Conv2D(Tensor input, Tensor filters, int strides, string padding, int dilations = 1)
            => Conv2D(input, filters, [strides], padding, [dilations]);
    }
}

/// <summary>
/// Conv2D: im2col in chunks of images, each chunk one GEMM against the (KH·KW·C, O) filter matrix; grouped and
/// depthwise filters (input depth a multiple of the filter's in-depth) go through <see cref="ConvKernels"/>' other paths.
/// </summary>
internal sealed class Conv2DOp(WindowAttrs attrs) : Op("Conv2D")
{
    public override IReadOnlyDictionary<string, object> Attributes => attrs.ToAttributes();

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Window2D g = Geometry(inputs[0], inputs[1]);
        return new TensorSpec(new Shape(g.Batch, g.OutH, g.OutW, inputs[1].Shape[3]), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Window2D g = Geometry(inputs[0], inputs[1]);
        WindowKernels.Dispatch(new Kernel(g, inputs[1].Shape[3]), inputs, output);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0], w = inputs[1];
        Tensor? dx = needsGradient[0] ? new Conv2DBackpropInputOp(x.Shape.ToArray(), attrs).Call(w, upstream) : null;
        Tensor? dw = needsGradient[1] ? new Conv2DBackpropFilterOp(w.Shape.ToArray(), attrs).Call(x, upstream) : null;
        result[0] = dx;
        result[1] = dw;
    }

    /// <summary>
    /// Validates the input and filter shapes of one convolution together (TensorFlow's rules and messages: the input
    /// depth is a multiple of the filter's in-depth, their ratio is the number of groups, which divides the output
    /// depth) and computes the geometry.
    /// </summary>
    internal static Window2D Check(string op, int[] inputDims, int[] filterDims, WindowAttrs attrs, string context)
    {
        if (inputDims.Length != 4)
        {
            throw new ArgumentException($"{op}: input must be rank 4 (NHWC), got {WindowAttrs.Format(inputDims)}; {context} [Op:{op}].");
        }

        int inDepth = inputDims[3], filterDepth = filterDims[2], outDepth = filterDims[3];
        if (filterDepth <= 0)
        {
            throw new ArgumentException($"{op}: filter depth must be strictly positive, got {filterDepth}; {context} [Op:{op}].");
        }

        if (inDepth == 0 || inDepth % filterDepth != 0)
        {
            throw new ArgumentException(
                $"{op}: input depth must be evenly divisible by filter depth: {inDepth} vs {filterDepth} (filters are HWIO: " +
                $"input {WindowAttrs.Format(inputDims)}, filters {WindowAttrs.Format(filterDims)}); {context} [Op:{op}].");
        }

        int groups = inDepth / filterDepth;
        if (outDepth % groups != 0 || outDepth < groups)
        {
            throw new ArgumentException(
                $"{op}: output depth must be evenly divisible by number of groups: {outDepth} vs {groups}; {context} [Op:{op}].");
        }

        return Window2D.Create(op, inputDims, filterDims[0], filterDims[1], attrs, context, groups);
    }

    /// <summary>Throws unless the two tensors of a convolution op share a dtype.</summary>
    internal static void RequireSameDType(string op, Tensor a, Tensor b, string context)
    {
        if (a.DType != b.DType)
        {
            throw new ArgumentException($"{op}: inputs must have the same dtype; {context} [Op:{op}].");
        }
    }

    private Window2D Geometry(Tensor x, Tensor w)
    {
        string context = $"input {x.Shape} {x.DType}, filters {w.Shape} {w.DType}";
        WindowAttrs.RequireNhwc(Name, "input", x);
        WindowAttrs.RequireNhwc(Name, "filters", w);
        RequireSameDType(Name, x, w, context);
        return Check(Name, x.Shape.ToArray(), w.Shape.ToArray(), attrs, context);
    }

    private readonly struct Kernel(Window2D g, int outChannels) : IWindowKernel
    {
        public void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => ConvKernels.Forward(x, w, y, g, outChannels);
    }
}
