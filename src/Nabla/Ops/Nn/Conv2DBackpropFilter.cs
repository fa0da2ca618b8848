using System.Numerics;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// The gradient of <see cref="Conv2D(Tensor, Tensor, int[], string, int[])"/> with respect to its filters
        /// (TensorFlow's <c>conv2d_backprop_filter</c>): im2col(input)ᵀ · <paramref name="outBackprop"/>, of shape
        /// <paramref name="filterSizes"/>. Differentiable: its gradients are a <see cref="Conv2DBackpropInput"/> and a Conv2D.
        /// </summary>
        /// <param name="input">The convolution's NHWC input.</param>
        /// <param name="filterSizes">The HWIO shape of the filters.</param>
        /// <param name="outBackprop">The gradient of the convolution's output, NHWC.</param>
        /// <param name="strides">The convolution's strides.</param>
        /// <param name="padding">The convolution's padding.</param>
        /// <param name="dilations">The convolution's dilations; null for 1.</param>
        /// <exception cref="ArgumentException">When the shapes do not belong to one convolution.</exception>
        public static Tensor Conv2DBackpropFilter(Tensor input, int[] filterSizes, Tensor outBackprop, int[] strides, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(filterSizes);
            ArgumentNullException.ThrowIfNull(outBackprop);
            WindowAttrs attrs = WindowAttrs.Parse("Conv2DBackpropFilter", strides, dilations, padding, Conv2DBackpropFilterOp.Context(input, filterSizes, outBackprop));
            return new Conv2DBackpropFilterOp((int[])filterSizes.Clone(), attrs).Call(input, outBackprop);
        }
    }
}

/// <summary>Conv2DBackpropFilter: per chunk of images (and group), dW += im2col(x)ᵀ · dy (GEMM).</summary>
internal sealed class Conv2DBackpropFilterOp(int[] filterSizes, WindowAttrs attrs) : Op("Conv2DBackpropFilter")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Geometry(inputs[0], inputs[1]);
        return new TensorSpec(new Shape(filterSizes), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Window2D g = Geometry(inputs[0], inputs[1]);
        WindowKernels.Dispatch(new Kernel(g, filterSizes[3]), inputs, output);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0], dy = inputs[1];
        Tensor? dx = needsGradient[0] ? new Conv2DBackpropInputOp(x.Shape.ToArray(), attrs).Call(upstream, dy) : null;
        Tensor? ddy = needsGradient[1] ? new Conv2DOp(attrs).Call(x, upstream) : null;
        result[0] = dx;
        result[1] = ddy;
    }

    private Window2D Geometry(Tensor x, Tensor dy)
    {
        string context = Context(x, filterSizes, dy);
        WindowAttrs.RequireNhwc(Name, "input", x);
        WindowAttrs.RequireNhwc(Name, "out_backprop", dy);
        Conv2DOp.RequireSameDType(Name, x, dy, context);
        if (filterSizes.Length != 4 || Array.Exists(filterSizes, d => d <= 0))
        {
            throw new ArgumentException($"{Name}: filter_sizes must be 4 positive sizes (HWIO); {context} [Op:{Name}].");
        }

        Window2D g = Conv2DOp.Check(Name, x.Shape.ToArray(), filterSizes, attrs, context);
        WindowAttrs.RequireOutBackprop(Name, dy, g, filterSizes[3], context);
        return g;
    }

    /// <summary>The arguments as error messages name them.</summary>
    internal static string Context(Tensor x, int[] filterSizes, Tensor dy)
        => $"input {x.Shape} {x.DType}, filter_sizes {WindowAttrs.Format(filterSizes)}, out_backprop {dy.Shape} {dy.DType}";

    private readonly struct Kernel(Window2D g, int outChannels) : IWindowKernel
    {
        public void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw)
            where T : unmanaged, IFloatingPointIeee754<T> => ConvKernels.BackpropFilter(x, dy, dw, g, outChannels);
    }
}
