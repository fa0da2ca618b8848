using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// A transposed 2-D convolution layer (Keras's <c>Conv2DTranspose</c>, "deconvolution"): the gradient of a Conv2D with
/// respect to its input, applied to the inputs, plus a bias, then the activation. The kernel has shape (kh, kw, filters,
/// in channels). The output size per axis is Keras's: <c>in · stride</c> for <c>"same"</c>,
/// <c>(in - 1) · stride + max(k, stride)</c> for <c>"valid"</c> (k the dilated window), or with
/// <see cref="OutputPadding"/> <c>(in - 1) · stride + k - 2 · pad + outputPadding</c>.
/// </summary>
public class Conv2DTranspose : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilationRate;
    private readonly int[]? _outputPadding;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer; its weights are made on the first input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window: one size for both axes, or (height, width).</param>
    /// <param name="strides">The strides (the upsampling factors): one value or (height, width); 1 by default.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>.</param>
    /// <param name="outputPadding">Extra rows and columns on the output's bottom and right (each below its stride); null for Keras's default.</param>
    /// <param name="dilationRate">The dilation: one value or (height, width); 1 by default (not with strides above 1, as Keras).</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel, added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (height, width, channels).</param>
    /// <param name="name">The layer's name; <c>conv2d_transpose</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public Conv2DTranspose(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? outputPadding = null,
        int[]? dilationRate = null, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        const string Layer = nameof(Conv2DTranspose);
        ConvUtils.RequirePositive(Layer, "filters", filters);
        Filters = filters;
        _kernelSize = ConvUtils.Tuple(Layer, "kernelSize", kernelSize, 2);
        _strides = ConvUtils.Tuple(Layer, "strides", strides ?? [1], 2);
        _dilationRate = ConvUtils.Tuple(Layer, "dilationRate", dilationRate ?? [1], 2);
        if (outputPadding is not null)
        {
            _outputPadding = ConvUtils.Tuple(Layer, "outputPadding", outputPadding, 2, allowZero: true);
            if (_outputPadding[0] >= _strides[0] || _outputPadding[1] >= _strides[1])
            {
                throw new ArgumentException(
                    $"{Layer}: `output_padding` must be < `strides`. output_padding={ConvUtils.Format(_outputPadding)}, strides={ConvUtils.Format(_strides)}.",
                    nameof(outputPadding));
            }
        }

        ConvUtils.RequireStridesOrDilation(Layer, _strides, _dilationRate);
        Padding = ConvUtils.Padding(Layer, padding);
        UseBias = useBias;
        _activation = Activations.Get(activation);
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        BuildFromInputShape();
    }

    /// <summary>Creates the layer with a square window; see the array overload.</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window size along both axes.</param>
    /// <param name="strides">The stride along both axes.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' dtype.</param>
    public Conv2DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        bool useBias = true, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(filters, [kernelSize], [strides], padding, null, null, activation, useBias, inputShape: inputShape, name: name, dtype: dtype)
    {
    }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The output padding (height, width); null for Keras's default.</summary>
    public IReadOnlyList<int>? OutputPadding => _outputPadding;

    /// <summary>The kernel (kh, kw, filters, in channels); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int channels = ConvUtils.InputChannels(this, inputShape, 2);
        _kernel = AddWeight("kernel", new Shape(_kernelSize[0], _kernelSize[1], Filters, channels), _kernelInitializer,
            regularizer: _kernelRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(Filters), _biasInitializer, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Variable kernel = _kernel ?? throw new InvalidOperationException($"Conv2DTranspose {Name} is not built: call Apply, or Build first.");
        ConvUtils.RequireInput(this, inputs, 2, kernel.Shape[3]);
        int[] outputShape = [inputs.Shape[0], OutputLength(inputs.Shape[1], 0), OutputLength(inputs.Shape[2], 1), Filters];
        Tensor y = Tf.Nn.Conv2DTranspose(inputs, kernel, outputShape, [.. _strides], Padding, [.. _dilationRate]);
        if (_bias is not null)
        {
            y = Tf.Add(y, _bias);
        }

        return _activation(y);
    }

    /// <summary>Keras's output length of one spatial axis.</summary>
    private int OutputLength(int input, int axis)
    {
        int effective = ((_kernelSize[axis] - 1) * _dilationRate[axis]) + 1, stride = _strides[axis];
        if (Padding == "valid")
        {
            int extra = _outputPadding?[axis] ?? (Math.Max(effective, stride) - effective);
            return ((input - 1) * stride) + effective + extra;
        }

        return _outputPadding is null ? input * stride : ((input - 1) * stride) + (effective % 2) + _outputPadding[axis];
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"Conv2DTranspose {Name}";
        JsonObject config = BaseConfig();
        config["filters"] = Filters;
        config["kernel_size"] = KerasConfig.Ints(_kernelSize);
        config["strides"] = KerasConfig.Ints(_strides);
        config["padding"] = Padding;
        config["output_padding"] = _outputPadding is null ? null : KerasConfig.Ints(_outputPadding);
        config["data_format"] = "channels_last";
        config["dilation_rate"] = KerasConfig.Ints(_dilationRate);
        config["activation"] = KerasConfig.ActivationName(_activation, owner);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasConfig.Initializer(_kernelInitializer, owner);
        config["bias_initializer"] = KerasConfig.Initializer(_biasInitializer, owner);
        config["kernel_regularizer"] = KerasConfig.Regularizer(_kernelRegularizer, owner);
        config["bias_regularizer"] = KerasConfig.Regularizer(_biasRegularizer, owner);
        config["activity_regularizer"] = KerasConfig.Regularizer(ActivityRegularizer, owner);
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
        return config;
    }
}
