using System.Numerics;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// The gradient of <see cref="Conv2D(Tensor, Tensor, int[], string, int[])"/> with respect to its input
        /// (TensorFlow's <c>conv2d_backprop_input</c>, a transposed convolution): <paramref name="outBackprop"/> ·
        /// filtersᵀ scattered back (col2im) into a tensor of shape <paramref name="inputSizes"/>. Differentiable: its
        /// gradients are a Conv2D and a <see cref="Conv2DBackpropFilter"/>.
        /// </summary>
        /// <param name="inputSizes">The NHWC shape of the convolution's input.</param>
        /// <param name="filters">The HWIO filters.</param>
        /// <param name="outBackprop">The gradient of the convolution's output, NHWC.</param>
        /// <param name="strides">The convolution's strides.</param>
        /// <param name="padding">The convolution's padding.</param>
        /// <param name="dilations">The convolution's dilations; null for 1.</param>
        /// <exception cref="ArgumentException">When the shapes do not belong to one convolution.</exception>
        public static Tensor Conv2DBackpropInput(int[] inputSizes, Tensor filters, Tensor outBackprop, int[] strides, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(inputSizes);
            ArgumentNullException.ThrowIfNull(filters);
            ArgumentNullException.ThrowIfNull(outBackprop);
            WindowAttrs attrs = WindowAttrs.Parse("Conv2DBackpropInput", strides, dilations, padding, Conv2DBackpropInputOp.Context(inputSizes, filters, outBackprop));
            return new Conv2DBackpropInputOp((int[])inputSizes.Clone(), attrs).Call(filters, outBackprop);
        }
    }
}

/// <summary>Conv2DBackpropInput: per chunk of images (and group), dcols = dy · Wᵀ (GEMM), then col2im adds them into dx.</summary>
internal sealed class Conv2DBackpropInputOp(int[] inputSizes, WindowAttrs attrs) : Op("Conv2DBackpropInput")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Geometry(inputs[0], inputs[1]);
        return new TensorSpec(new Shape(inputSizes), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Window2D g = Geometry(inputs[0], inputs[1]);
        WindowKernels.Dispatch(new Kernel(g, inputs[0].Shape[3]), inputs, output);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor w = inputs[0], dy = inputs[1];
        Tensor? dw = needsGradient[0] ? new Conv2DBackpropFilterOp(w.Shape.ToArray(), attrs).Call(upstream, dy) : null;
        Tensor? ddy = needsGradient[1] ? new Conv2DOp(attrs).Call(upstream, w) : null;
        result[0] = dw;
        result[1] = ddy;
    }

    private Window2D Geometry(Tensor w, Tensor dy)
    {
        string context = Context(inputSizes, w, dy);
        WindowAttrs.RequireNhwc(Name, "filters", w);
        WindowAttrs.RequireNhwc(Name, "out_backprop", dy);
        Conv2DOp.RequireSameDType(Name, w, dy, context);
        Window2D g = Conv2DOp.Check(Name, inputSizes, w.Shape.ToArray(), attrs, context);
        WindowAttrs.RequireOutBackprop(Name, dy, g, w.Shape[3], context);
        return g;
    }

    /// <summary>The arguments as error messages name them.</summary>
    internal static string Context(int[] inputSizes, Tensor w, Tensor dy)
        => $"input_sizes {WindowAttrs.Format(inputSizes)}, filters {w.Shape} {w.DType}, out_backprop {dy.Shape} {dy.DType}";

    private readonly struct Kernel(Window2D g, int outChannels) : IWindowKernel
    {
        public void Run<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T> => ConvKernels.BackpropInput(w, dy, dx, g, outChannels);
    }
}
