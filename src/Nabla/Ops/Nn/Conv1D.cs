namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// 1-D convolution (cross-correlation, TensorFlow's <c>tf.nn.conv1d</c>) of an NWC <paramref name="input"/>
        /// (batch, width, in channels) with WIO <paramref name="filters"/> (width, in channels / groups, out channels).
        /// As in TensorFlow, it is a <see cref="Conv2D(Tensor, Tensor, int[], string, int[])"/> over a height of one
        /// (the reshapes share buffers), so a filter in-depth that divides the input depth makes a grouped convolution.
        /// </summary>
        /// <param name="input">Rank 3 NWC, floating.</param>
        /// <param name="filters">Rank 3 WIO, same dtype.</param>
        /// <param name="stride">The stride: 1 value, or 3 as [1, w, 1].</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate (1 or 3 values); null for 1.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, channel count, stride, dilation or padding.</exception>
        public static Tensor Conv1D(Tensor input, Tensor filters, int[] stride, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(filters);
            const string Op = "Conv1D";
            string context = $"input {input.Shape} {input.DType}, filters {filters.Shape} {filters.DType}";
            int s = WindowAttrs.Single(Op, "stride", stride, context);
            int d = dilations is null ? 1 : WindowAttrs.Single(Op, "dilations", dilations, context);
            var attrs = new WindowAttrs(1, s, 1, d, WindowAttrs.ParsePadding(Op, padding, context));
            WindowAttrs.RequireLayout(Op, "input", input, "NWC");
            WindowAttrs.RequireLayout(Op, "filters", filters, "WIO");
            Conv2DOp.RequireSameDType(Op, input, filters, context);
            Conv2DOp.Check(Op, [input.Shape[0], 1, input.Shape[1], input.Shape[2]], [1, .. filters.Shape.ToArray()], attrs, context);
            Tensor y = new Conv2DOp(attrs).Call(Tf.ExpandDims(input, 1), Tf.ExpandDims(filters, 0));
            return Tf.Squeeze(y, [1]);
        }

        /// <summary>1-D convolution with one stride and dilation; see the array overload.</summary>
        /// <param name="input">Rank 3 NWC.</param>
        /// <param name="filters">Rank 3 WIO.</param>
        /// <param name="stride">The stride.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate.</param>
        public static Tensor Conv1D(Tensor input, Tensor filters, int stride, string padding, int dilations = 1)
            => Conv1D(input, filters, [stride], padding, [dilations]);

        /// <summary>
        /// 1-D max pooling of an NWC <paramref name="input"/> (TensorFlow's <c>tf.nn.max_pool1d</c>): the 2-D pool over a
        /// height of one.
        /// </summary>
        /// <param name="input">Rank 3 NWC, floating.</param>
        /// <param name="ksize">The window: 1 value, or 3 as [1, w, 1].</param>
        /// <param name="strides">The stride: 1 value, or 3 as [1, w, 1].</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, window, stride or padding.</exception>
        public static Tensor MaxPool1D(Tensor input, int[] ksize, int[] strides, string padding)
        {
            PoolAttrs attrs = Pool1DAttrs("MaxPool1D", input, ksize, strides, padding);
            return Tf.Squeeze(new MaxPoolOp(attrs).Call(Tf.ExpandDims(input, 1)), [1]);
        }

        /// <summary>1-D max pooling; see the array overload.</summary>
        /// <param name="input">Rank 3 NWC.</param>
        /// <param name="ksize">The window.</param>
        /// <param name="strides">The stride.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        public static Tensor MaxPool1D(Tensor input, int ksize, int strides, string padding) => MaxPool1D(input, [ksize], [strides], padding);

        /// <summary>
        /// 1-D average pooling of an NWC <paramref name="input"/> (TensorFlow's <c>tf.nn.avg_pool1d</c>): the 2-D pool
        /// over a height of one (SAME padding averages the valid elements only).
        /// </summary>
        /// <param name="input">Rank 3 NWC, floating.</param>
        /// <param name="ksize">The window: 1 value, or 3 as [1, w, 1].</param>
        /// <param name="strides">The stride: 1 value, or 3 as [1, w, 1].</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, window, stride or padding.</exception>
        public static Tensor AvgPool1D(Tensor input, int[] ksize, int[] strides, string padding)
        {
            PoolAttrs attrs = Pool1DAttrs("AvgPool1D", input, ksize, strides, padding);
            return Tf.Squeeze(new AvgPoolOp(attrs).Call(Tf.ExpandDims(input, 1)), [1]);
        }

        /// <summary>1-D average pooling; see the array overload.</summary>
        /// <param name="input">Rank 3 NWC.</param>
        /// <param name="ksize">The window.</param>
        /// <param name="strides">The stride.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        public static Tensor AvgPool1D(Tensor input, int ksize, int strides, string padding) => AvgPool1D(input, [ksize], [strides], padding);

        private static PoolAttrs Pool1DAttrs(string op, Tensor input, int[] ksize, int[] strides, string padding)
        {
            ArgumentNullException.ThrowIfNull(input);
            string context = $"input {input.Shape} {input.DType}";
            int k = WindowAttrs.Single(op, "ksize", ksize, context);
            int s = WindowAttrs.Single(op, "strides", strides, context);
            var attrs = new PoolAttrs(1, k, new WindowAttrs(1, s, 1, 1, WindowAttrs.ParsePadding(op, padding, context)));
            WindowAttrs.RequireLayout(op, "input", input, "NWC");
            Window2D.Create(op, [input.Shape[0], 1, input.Shape[1], input.Shape[2]], 1, k, attrs.Window, $"{context}, ksize {k}");
            return attrs;
        }
    }
}
