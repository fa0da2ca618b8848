namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Depthwise 2-D convolution (TensorFlow's <c>tf.nn.depthwise_conv2d</c>): each input channel k is convolved
        /// with its own <c>filter[:, :, k, :]</c>, giving channels k·M … k·M + M - 1 of the output
        /// (<c>output[b, i, j, k·M + q] = Σ input[b, s·i + di, s·j + dj, k] · filter[di, dj, k, q]</c>). It is a
        /// <see cref="Conv2D(Tensor, Tensor, int[], string, int[])"/> with C groups of one channel (the filter reshaped
        /// to (KH, KW, 1, C·M), which shares its buffer), computed by direct loops over channel runs.
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="filter">Rank 4 (height, width, in channels, channel multiplier M), same dtype.</param>
        /// <param name="strides">1, 2 or 4 (as [1, h, w, 1]) positive strides.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">1, 2 or 4 positive dilation rates; null for 1.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype, depth, stride, dilation or padding.</exception>
        public static Tensor DepthwiseConv2D(Tensor input, Tensor filter, int[] strides, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(filter);
            const string Op = "DepthwiseConv2dNative";
            string context = $"input {input.Shape} {input.DType}, filter {filter.Shape} {filter.DType}";
            WindowAttrs attrs = WindowAttrs.Parse(Op, strides, dilations, padding, context);
            WindowAttrs.RequireNhwc(Op, "input", input);
            WindowAttrs.RequireLayout(Op, "filter", filter, "HWCM");
            Conv2DOp.RequireSameDType(Op, input, filter, context);
            int channels = input.Shape[3];
            if (filter.Shape[2] != channels)
            {
                throw new ArgumentException(
                    $"{Op}: input and filter must have the same depth: {channels} vs {filter.Shape[2]}; {context} [Op:{Op}].", nameof(filter));
            }

            int[] grouped = [filter.Shape[0], filter.Shape[1], 1, channels * filter.Shape[3]];
            Conv2DOp.Check(Op, input.Shape.ToArray(), grouped, attrs, context);
            return new Conv2DOp(attrs).Call(input, Tf.Reshape(filter, grouped));
        }

        /// <summary>Depthwise 2-D convolution with one stride and dilation; see the array overload.</summary>
        /// <param name="input">Rank 4 NHWC.</param>
        /// <param name="filter">Rank 4 (height, width, in channels, channel multiplier).</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate along height and width.</param>
        public static Tensor DepthwiseConv2D(Tensor input, Tensor filter, int strides, string padding, int dilations = 1)
            => DepthwiseConv2D(input, filter, [strides], padding, [dilations]);

        /// <summary>
        /// Depthwise-separable 2-D convolution (TensorFlow's <c>tf.nn.separable_conv2d</c>): a
        /// <see cref="DepthwiseConv2D(Tensor, Tensor, int[], string, int[])"/> with <paramref name="depthwiseFilter"/>
        /// (strides, padding and dilations apply here), then a 1×1 convolution with <paramref name="pointwiseFilter"/>
        /// mixing the C·M channels into the output channels.
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="depthwiseFilter">Rank 4 (height, width, in channels C, channel multiplier M).</param>
        /// <param name="pointwiseFilter">Rank 4 (1, 1, C·M, out channels).</param>
        /// <param name="strides">The depthwise convolution's strides (1, 2 or 4 values).</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The depthwise convolution's dilation rates; null for 1.</param>
        /// <exception cref="ArgumentException">On a bad rank, dtype or shape of either filter.</exception>
        public static Tensor SeparableConv2D(Tensor input, Tensor depthwiseFilter, Tensor pointwiseFilter, int[] strides, string padding, int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(depthwiseFilter);
            ArgumentNullException.ThrowIfNull(pointwiseFilter);
            const string Op = "SeparableConv2D";
            string context = $"input {input.Shape} {input.DType}, depthwise_filter {depthwiseFilter.Shape}, pointwise_filter {pointwiseFilter.Shape} {pointwiseFilter.DType}";
            WindowAttrs.RequireLayout(Op, nameof(pointwiseFilter), pointwiseFilter, "HWIO");
            if (depthwiseFilter.Rank == 4)
            {
                int depth = depthwiseFilter.Shape[2] * depthwiseFilter.Shape[3];
                if (pointwiseFilter.Shape[0] != 1 || pointwiseFilter.Shape[1] != 1 || pointwiseFilter.Shape[2] != depth)
                {
                    throw new ArgumentException(
                        $"{Op}: pointwise_filter must have shape (1, 1, {depth}, out_channels): in channels × channel multiplier of " +
                        $"the depthwise filter; {context} [Op:{Op}].", nameof(pointwiseFilter));
                }
            }

            Tensor depthwise = DepthwiseConv2D(input, depthwiseFilter, strides, padding, dilations);
            Conv2DOp.RequireSameDType(Op, depthwise, pointwiseFilter, context);
            return new Conv2DOp(new WindowAttrs(1, 1, 1, 1, Same: false)).Call(depthwise, pointwiseFilter);
        }

        /// <summary>Depthwise-separable 2-D convolution with one stride and dilation; see the array overload.</summary>
        /// <param name="input">Rank 4 NHWC.</param>
        /// <param name="depthwiseFilter">Rank 4 (height, width, in channels, channel multiplier).</param>
        /// <param name="pointwiseFilter">Rank 4 (1, 1, in channels · multiplier, out channels).</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate along height and width.</param>
        public static Tensor SeparableConv2D(Tensor input, Tensor depthwiseFilter, Tensor pointwiseFilter, int strides, string padding, int dilations = 1)
            => SeparableConv2D(input, depthwiseFilter, pointwiseFilter, [strides], padding, [dilations]);
    }
}
