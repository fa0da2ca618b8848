using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// 2-D max pooling of an NHWC <paramref name="input"/> (TensorFlow's <c>tf.nn.max_pool2d</c>): each output is the
        /// largest element of its window (NaN propagates); SAME padding never picks a padded position. The gradient
        /// routes each upstream value to its window's argmax (the first maximum in row-major window order on ties).
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="ksize">The window: 1, 2 or 4 (as [1, h, w, 1]) positive sizes.</param>
        /// <param name="strides">The strides: 1, 2 or 4 positive values.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, window, stride or padding.</exception>
        public static Tensor MaxPool2D(Tensor input, int[] ksize, int[] strides, string padding)
        {
            ArgumentNullException.ThrowIfNull(input);
            return new MaxPoolOp(PoolAttrs.Parse("MaxPool", input, ksize, strides, padding)).Call(input);
        }

        /// <summary>2-D max pooling with square windows and strides; see the array overload.</summary>
        /// <param name="input">Rank 4 NHWC.</param>
        /// <param name="ksize">The window size along height and width.</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        public static Tensor MaxPool2D(Tensor input, int ksize, int strides, string padding) => MaxPool2D(input, [ksize], [strides], padding);

        /// <summary>
        /// Max pooling that also returns, per output element, the flat int64 index of the input element chosen
        /// (TensorFlow's <c>max_pool_with_argmax</c>): <c>((b · H + y) · W + x) · C + c</c> with
        /// <paramref name="includeBatchInIndex"/>, else without the batch term.
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="ksize">The window.</param>
        /// <param name="strides">The strides.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="includeBatchInIndex">Whether the index counts the batch dimension.</param>
        public static (Tensor Output, Tensor Argmax) MaxPoolWithArgmax(Tensor input, int[] ksize, int[] strides, string padding, bool includeBatchInIndex = false)
        {
            ArgumentNullException.ThrowIfNull(input);
            PoolAttrs attrs = PoolAttrs.Parse("MaxPoolWithArgmax", input, ksize, strides, padding);
            return (new MaxPoolOp(attrs).Call(input), new MaxPoolArgmaxOp(attrs, includeBatchInIndex).Call(input));
        }
    }
}

/// <summary>A pool's window size and attributes.</summary>
internal readonly record struct PoolAttrs(int KH, int KW, WindowAttrs Window)
{
    /// <summary>TensorFlow's NHWC attributes: ksize, strides and padding.</summary>
    public Dictionary<string, object> ToAttributes()
    {
        Dictionary<string, object> attributes = Window.ToAttributes();
        attributes.Remove("dilations");
        attributes["ksize"] = new[] { 1, KH, KW, 1 };
        return attributes;
    }

    public static PoolAttrs Parse(string op, Tensor input, int[] ksize, int[] strides, string padding)
    {
        string context = $"input {input.Shape} {input.DType}";
        (int kh, int kw) = WindowAttrs.Pair(op, "ksize", ksize, context);
        (int sh, int sw) = WindowAttrs.Pair(op, "strides", strides, context);
        return new PoolAttrs(kh, kw, new WindowAttrs(sh, sw, 1, 1, WindowAttrs.ParsePadding(op, padding, context)));
    }

    public Window2D Geometry(string op, Tensor x)
    {
        WindowAttrs.RequireNhwc(op, "input", x);
        return Window2D.Create(op, x.Shape.Dims, KH, KW, Window, $"input {x.Shape} {x.DType}, ksize ({KH}, {KW})");
    }
}

/// <summary>MaxPool: elementwise maxima of channel runs over the window's valid positions.</summary>
internal sealed class MaxPoolOp(PoolAttrs attrs) : Op("MaxPool")
{
    public override IReadOnlyDictionary<string, object> Attributes => attrs.ToAttributes();

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Window2D g = attrs.Geometry(Name, inputs[0]);
        return new TensorSpec(new Shape(g.Batch, g.OutH, g.OutW, g.Channels), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output) =>
        WindowKernels.Dispatch(new Kernel(attrs.Geometry(Name, inputs[0])), inputs, output);

    // The upstream is scatter-added onto the argmax positions: a segment sum (whose own gradient is a gather),
    // so higher orders work; the argmax itself is piecewise constant.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor argmax = new MaxPoolArgmaxOp(attrs, includeBatch: true).Call(x);
        Tensor summed = Tf.UnsortedSegmentSum(Tf.Reshape(upstream, [-1]), Tf.Reshape(argmax, [-1]), x.Size);
        result[0] = Tf.Reshape(summed, x.Shape.ToArray());
    }

    private readonly struct Kernel(Window2D g) : IWindowKernel
    {
        public void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> unused, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int c = g.Channels, at = 0;
            for (int n = 0; n < g.Batch; n++)
            {
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++, at += c)
                    {
                        Span<T> dst = y.Slice(at, c);
                        bool first = true;
                        int h0 = (oh * g.StrideH) - g.PadTop, w0 = (ow * g.StrideW) - g.PadLeft;
                        for (int ih = Math.Max(h0, 0); ih < Math.Min(h0 + g.KH, g.InH); ih++)
                        {
                            for (int iw = Math.Max(w0, 0); iw < Math.Min(w0 + g.KW, g.InW); iw++)
                            {
                                ReadOnlySpan<T> src = x.Slice((((n * g.InH) + ih) * g.InW + iw) * c, c);
                                if (first)
                                {
                                    src.CopyTo(dst);
                                    first = false;
                                }
                                else
                                {
                                    TensorPrimitives.Max(dst, src, dst);
                                }
                            }
                        }

                        if (first)
                        {
                            dst.Fill(T.NegativeInfinity);
                        }
                    }
                }
            }
        }
    }
}

/// <summary>The flat int64 index of each window's maximum (first on ties, first NaN if any); not differentiable.</summary>
internal sealed class MaxPoolArgmaxOp(PoolAttrs attrs, bool includeBatch) : Op("MaxPoolWithArgmax")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Window2D g = attrs.Geometry(Name, inputs[0]);
        return new TensorSpec(new Shape(g.Batch, g.OutH, g.OutW, g.Channels), DType.Int64);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Window2D g = attrs.Geometry(Name, x);
        DTypeDispatch.Float(new ArgmaxBody(this, g), inputs, output, x.DType);
    }

    // No gradient (integer indices): every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    private readonly struct ArgmaxBody(MaxPoolArgmaxOp op, Window2D g) : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T> => op.Run(o.In(0), o.OutAs<long>(), g);
    }

    private void Run<T>(ReadOnlySpan<T> x, Span<long> index, Window2D g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, at = 0;
        long perImage = (long)g.InH * g.InW * c;
        for (int n = 0; n < g.Batch; n++)
        {
            long batchOffset = includeBatch ? n * perImage : 0;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++, at += c)
                {
                    int h0 = (oh * g.StrideH) - g.PadTop, w0 = (ow * g.StrideW) - g.PadLeft;
                    for (int ch = 0; ch < c; ch++)
                    {
                        T best = T.Zero;
                        long bestAt = -1;
                        for (int ih = Math.Max(h0, 0); ih < Math.Min(h0 + g.KH, g.InH); ih++)
                        {
                            for (int iw = Math.Max(w0, 0); iw < Math.Min(w0 + g.KW, g.InW); iw++)
                            {
                                int local = (((ih * g.InW) + iw) * c) + ch;
                                T v = x[(int)(n * perImage) + local];
                                if (bestAt < 0 || v > best || (T.IsNaN(v) && !T.IsNaN(best)))
                                {
                                    best = v;
                                    bestAt = local;
                                }
                            }
                        }

                        index[at + ch] = bestAt < 0 ? -1 : batchOffset + bestAt;
                    }
                }
            }
        }
    }
}
