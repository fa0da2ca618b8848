using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// A 2-D convolution layer over NHWC inputs (Keras's <c>Conv2D</c>): <c>activation(conv2d(inputs, kernel) + bias)</c>,
/// with a kernel of shape (kh, kw, in channels / groups, filters).
/// </summary>
public class Conv2D : BaseConv
{
    /// <summary>Creates the layer; its weights are made on the first input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window: one size for both axes, or (height, width).</param>
    /// <param name="strides">The strides: one value or (height, width); 1 by default.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel (<c>"l2"</c>, <see cref="L2"/>...), added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="dilationRate">The dilation: one value or (height, width); 1 by default (not with strides above 1, as Keras).</param>
    /// <param name="groups">The number of channel groups: the input channels and <paramref name="filters"/> are split into
    /// this many groups, each convolved separately; 1 by default.</param>
    /// <param name="inputShape">The shape of one sample (height, width, channels).</param>
    /// <param name="name">The layer's name; <c>conv2d</c>, <c>conv2d_1</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public Conv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, int[]? dilationRate = null, int groups = 1,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(2, filters, kernelSize, strides, padding, dilationRate, groups, Activations.Get(activation), useBias, kernelInitializer,
            biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer, inputShape, name, dtype)
    {
        BuildFromInputShape();
    }

    /// <summary>Creates the layer with a square window; see the array overload.</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window size along both axes.</param>
    /// <param name="strides">The stride along both axes.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel, added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' dtype.</param>
    /// <param name="dilationRate">The dilation along both axes.</param>
    /// <param name="groups">The number of channel groups.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        bool useBias = true, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null, int dilationRate = 1, int groups = 1)
        : this(filters, [kernelSize], [strides], padding, activation, useBias, null, null, kernelRegularizer, biasRegularizer,
            activityRegularizer, [dilationRate], groups, inputShape, name, dtype)
    {
    }

    /// <inheritdoc/>
    protected override Tensor Convolve(Tensor inputs, Tensor kernel, int[] strides, int[] dilationRate) =>
        Tf.Nn.Conv2D(inputs, kernel, strides, Padding, dilationRate);
}
