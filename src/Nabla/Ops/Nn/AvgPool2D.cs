using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// 2-D average pooling of an NHWC <paramref name="input"/> (TensorFlow's <c>tf.nn.avg_pool2d</c>): each output is
        /// the mean of its window's valid elements (with SAME padding, padded positions are not counted). Its gradient
        /// is <see cref="AvgPoolGrad"/>, whose own gradient is this pool again.
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="ksize">The window: 1, 2 or 4 (as [1, h, w, 1]) positive sizes.</param>
        /// <param name="strides">The strides: 1, 2 or 4 positive values.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, window, stride or padding.</exception>
        public static Tensor AvgPool2D(Tensor input, int[] ksize, int[] strides, string padding)
        {
            ArgumentNullException.ThrowIfNull(input);
            return new AvgPoolOp(PoolAttrs.Parse("AvgPool", input, ksize, strides, padding)).Call(input);
        }

        /// <summary>2-D average pooling with square windows and strides; see the array overload.</summary>
        /// <param name="input">Rank 4 NHWC.</param>
        /// <param name="ksize">The window size along height and width.</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        public static Tensor AvgPool2D(Tensor input, int ksize, int strides, string padding) => AvgPool2D(input, [ksize], [strides], padding);

        /// <summary>
        /// The gradient of <see cref="AvgPool2D(Tensor, int[], int[], string)"/> (TensorFlow's <c>AvgPoolGrad</c>): spreads
        /// each value of <paramref name="grad"/> evenly over its window's valid input positions, giving a tensor of
        /// shape <paramref name="origInputShape"/>.
        /// </summary>
        /// <param name="origInputShape">The NHWC shape of the pool's input.</param>
        /// <param name="grad">The gradient of the pool's output.</param>
        /// <param name="ksize">The pool's window.</param>
        /// <param name="strides">The pool's strides.</param>
        /// <param name="padding">The pool's padding.</param>
        /// <exception cref="ArgumentException">When <paramref name="grad"/>'s shape is not the pool's output shape.</exception>
        public static Tensor AvgPoolGrad(int[] origInputShape, Tensor grad, int[] ksize, int[] strides, string padding)
        {
            ArgumentNullException.ThrowIfNull(origInputShape);
            ArgumentNullException.ThrowIfNull(grad);
            return new AvgPoolGradOp((int[])origInputShape.Clone(), PoolAttrs.Parse("AvgPoolGrad", grad, ksize, strides, padding)).Call(grad);
        }
    }
}

/// <summary>AvgPool: sums of channel runs over the window's valid positions, divided by their count.</summary>
internal sealed class AvgPoolOp(PoolAttrs attrs) : Op("AvgPool")
{
    public override IReadOnlyDictionary<string, object> Attributes => attrs.ToAttributes();

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Window2D g = attrs.Geometry(Name, inputs[0]);
        return new TensorSpec(new Shape(g.Batch, g.OutH, g.OutW, g.Channels), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output) =>
        WindowKernels.Dispatch(new Kernel(attrs.Geometry(Name, inputs[0]), Backward: false), inputs, output);

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = new AvgPoolGradOp(inputs[0].Shape.ToArray(), attrs).Call(upstream);

    /// <summary>Forward: y = mean over the window; backward: dx += dy / count over the window.</summary>
    internal readonly record struct Kernel(Window2D G, bool Backward) : IWindowKernel
    {
        public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> unused, Span<T> b)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Window2D g = G;
            int c = g.Channels, at = 0;
            if (Backward)
            {
                b.Clear();
            }

            for (int n = 0; n < g.Batch; n++)
            {
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    int h0 = (oh * g.StrideH) - g.PadTop, h1 = Math.Min(h0 + g.KH, g.InH);
                    h0 = Math.Max(h0, 0);
                    for (int ow = 0; ow < g.OutW; ow++, at += c)
                    {
                        int w0 = (ow * g.StrideW) - g.PadLeft, w1 = Math.Min(w0 + g.KW, g.InW);
                        w0 = Math.Max(w0, 0);
                        T scale = T.One / T.CreateTruncating(Math.Max(1, (h1 - h0) * (w1 - w0)));
                        if (Backward)
                        {
                            ReadOnlySpan<T> dy = a.Slice(at, c);
                            for (int ih = h0; ih < h1; ih++)
                            {
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    Span<T> dx = b.Slice((((n * g.InH) + ih) * g.InW + iw) * c, c);
                                    TensorPrimitives.MultiplyAdd(dy, scale, dx, dx);
                                }
                            }

                            continue;
                        }

                        Span<T> dst = b.Slice(at, c);
                        dst.Clear();
                        for (int ih = h0; ih < h1; ih++)
                        {
                            for (int iw = w0; iw < w1; iw++)
                            {
                                TensorPrimitives.Add(dst, a.Slice((((n * g.InH) + ih) * g.InW + iw) * c, c), dst);
                            }
                        }

                        TensorPrimitives.Multiply(dst, scale, dst);
                    }
                }
            }
        }
    }
}

/// <summary>AvgPoolGrad: the adjoint of AvgPool (so its gradient is AvgPool).</summary>
internal sealed class AvgPoolGradOp(int[] origInputShape, PoolAttrs attrs) : Op("AvgPoolGrad")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Geometry(inputs[0]);
        return new TensorSpec(new Shape(origInputShape), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output) =>
        WindowKernels.Dispatch(new AvgPoolOp.Kernel(Geometry(inputs[0]), Backward: true), inputs, output);

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = new AvgPoolOp(attrs).Call(upstream);

    private Window2D Geometry(Tensor grad)
    {
        string context = $"orig_input_shape {WindowAttrs.Format(origInputShape)}, grad {grad.Shape} {grad.DType}";
        WindowAttrs.RequireNhwc(Name, "grad", grad);
        if (origInputShape.Length != 4 || Array.Exists(origInputShape, d => d < 0))
        {
            throw new ArgumentException($"{Name}: orig_input_shape must be 4 non-negative sizes (NHWC); {context} [Op:{Name}].");
        }

        Window2D g = Window2D.Create(Name, origInputShape, attrs.KH, attrs.KW, attrs.Window, context);
        if (grad.Shape != new Shape(g.Batch, g.OutH, g.OutW, g.Channels))
        {
            throw new ArgumentException($"{Name}: grad must have shape ({g.Batch}, {g.OutH}, {g.OutW}, {g.Channels}); {context} [Op:{Name}].");
        }

        return g;
    }
}
