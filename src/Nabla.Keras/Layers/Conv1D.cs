using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// A 1-D convolution layer over (batch, steps, channels) inputs (Keras's <c>Conv1D</c>):
/// <c>activation(conv1d(inputs, kernel) + bias)</c> with a kernel of shape (kernel size, in channels / groups, filters).
/// <c>"causal"</c> padding pads (kernel size - 1) · dilation steps on the left only, so output t sees inputs up to t.
/// </summary>
public class Conv1D : BaseConv
{
    /// <summary>Creates the layer; its weights are made on the first input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window length.</param>
    /// <param name="strides">The stride; 1 by default.</param>
    /// <param name="padding"><c>"valid"</c> (default), <c>"same"</c> or <c>"causal"</c>.</param>
    /// <param name="dilationRate">The dilation; 1 by default (not with a stride above 1, as Keras).</param>
    /// <param name="groups">The number of channel groups; 1 by default.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel, added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (steps, channels).</param>
    /// <param name="name">The layer's name; <c>conv1d</c>, <c>conv1d_1</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1, int groups = 1,
        string? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(1, filters, [kernelSize], [strides], padding, [dilationRate], groups, Activations.Get(activation), useBias, kernelInitializer,
            biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer, inputShape, name, dtype)
    {
        BuildFromInputShape();
    }

    /// <inheritdoc/>
    protected override Tensor Convolve(Tensor inputs, Tensor kernel, int[] strides, int[] dilationRate)
    {
        if (Padding != "causal")
        {
            return Tf.Nn.Conv1D(inputs, kernel, strides, Padding, dilationRate);
        }

        int left = dilationRate[0] * (KernelSize[0] - 1);
        return Tf.Nn.Conv1D(Tf.Pad(inputs, new[,] { { 0, 0 }, { left, 0 }, { 0, 0 } }), kernel, strides, "valid", dilationRate);
    }
}
