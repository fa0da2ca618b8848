namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// The transposed 2-D convolution (TensorFlow's <c>tf.nn.conv2d_transpose</c>, sometimes called deconvolution):
        /// the gradient of a <see cref="Conv2D(Tensor, Tensor, int[], string, int[])"/> with respect to its input, taken
        /// as an op of its own (<see cref="Conv2DBackpropInput"/>). <paramref name="outputShape"/> is the shape of that
        /// convolution's input, so that convolving the result with <paramref name="filters"/> (same strides, padding
        /// and dilations) gives <paramref name="input"/>'s shape. Differentiable in both tensors, to any order.
        /// </summary>
        /// <param name="input">Rank 4 NHWC, floating.</param>
        /// <param name="filters">Rank 4 (height, width, output channels / groups, input channels), same dtype.</param>
        /// <param name="outputShape">The NHWC shape of the result (4 values).</param>
        /// <param name="strides">1, 2 or 4 (as [1, h, w, 1]) positive strides.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>: the padding of the convolution this transposes.</param>
        /// <param name="dilations">1, 2 or 4 positive dilation rates; null for 1.</param>
        /// <exception cref="ArgumentException">When the shapes do not belong to one convolution.</exception>
        public static Tensor Conv2DTranspose(Tensor input, Tensor filters, int[] outputShape, int[] strides, string padding = "SAME", int[]? dilations = null)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(filters);
            ArgumentNullException.ThrowIfNull(outputShape);
            const string Op = "Conv2DTranspose";
            string context = $"input {input.Shape} {input.DType}, filters {filters.Shape} {filters.DType}, output_shape {WindowAttrs.Format(outputShape)}";
            WindowAttrs attrs = WindowAttrs.Parse(Op, strides, dilations, padding, context);
            WindowAttrs.RequireNhwc(Op, "input", input);
            WindowAttrs.RequireLayout(Op, "filters", filters, "HWOI");
            Conv2DOp.RequireSameDType(Op, input, filters, context);
            if (outputShape.Length != 4 || Array.Exists(outputShape, d => d < 0))
            {
                throw new ArgumentException($"{Op}: output_shape must be 4 non-negative sizes (NHWC); {context} [Op:{Op}].", nameof(outputShape));
            }

            if (input.Shape[3] != filters.Shape[3])
            {
                throw new ArgumentException(
                    $"{Op}: input channels does not match filter's input channels, {input.Shape[3]} != {filters.Shape[3]}; {context} [Op:{Op}].", nameof(filters));
            }

            Window2D g = Conv2DOp.Check(Op, outputShape, filters.Shape.ToArray(), attrs, context);
            var expected = new Shape(outputShape[0], g.OutH, g.OutW, filters.Shape[3]);
            if (input.Shape != expected)
            {
                throw new ArgumentException(
                    $"{Op}: input must have shape {expected}, the shape a convolution of output_shape {WindowAttrs.Format(outputShape)} " +
                    $"with these filters, strides and padding produces; {context} [Op:{Op}].", nameof(input));
            }

            return new Conv2DBackpropInputOp((int[])outputShape.Clone(), attrs).Call(filters, input);
        }

        /// <summary>The transposed 2-D convolution with one stride and dilation; see the array overload.</summary>
        /// <param name="input">Rank 4 NHWC.</param>
        /// <param name="filters">Rank 4 (height, width, output channels, input channels).</param>
        /// <param name="outputShape">The NHWC shape of the result.</param>
        /// <param name="strides">The stride along height and width.</param>
        /// <param name="padding"><c>"SAME"</c> or <c>"VALID"</c>.</param>
        /// <param name="dilations">The dilation rate along height and width.</param>
        public static Tensor Conv2DTranspose(Tensor input, Tensor filters, int[] outputShape, int strides, string padding = "SAME", int dilations = 1)
            => Conv2DTranspose(input, filters, outputShape, [strides], padding, [dilations]);
    }
}
