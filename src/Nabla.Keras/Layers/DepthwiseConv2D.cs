using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// A depthwise 2-D convolution layer (Keras's <c>DepthwiseConv2D</c>): each input channel is convolved with its own
/// <see cref="DepthMultiplier"/> filters (<c>Tf.Nn.DepthwiseConv2D</c>), channels never mix; plus a bias, then the
/// activation. Weights as Keras 3 names them: <c>kernel</c> (kh, kw, in channels, depth multiplier) and <c>bias</c>
/// (in channels · depth multiplier,).
/// </summary>
public class DepthwiseConv2D : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _depthwiseInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _depthwiseRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilationRate;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer; its weights are made on the first input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="kernelSize">The window: one size for both axes, or (height, width).</param>
    /// <param name="strides">The strides: one value or (height, width); 1 by default.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>.</param>
    /// <param name="depthMultiplier">The output channels per input channel.</param>
    /// <param name="dilationRate">The dilation: one value or (height, width); 1 by default (not with strides above 1, as Keras).</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="depthwiseRegularizer">A penalty on the kernel, added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (height, width, channels).</param>
    /// <param name="name">The layer's name; <c>depthwise_conv2d</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public DepthwiseConv2D(int[] kernelSize, int[]? strides = null, string padding = "valid", int depthMultiplier = 1, int[]? dilationRate = null,
        string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        const string Layer = nameof(DepthwiseConv2D);
        ConvUtils.RequirePositive(Layer, "depthMultiplier", depthMultiplier);
        DepthMultiplier = depthMultiplier;
        _kernelSize = ConvUtils.Tuple(Layer, "kernelSize", kernelSize, 2);
        _strides = ConvUtils.Tuple(Layer, "strides", strides ?? [1], 2);
        _dilationRate = ConvUtils.Tuple(Layer, "dilationRate", dilationRate ?? [1], 2);
        ConvUtils.RequireStridesOrDilation(Layer, _strides, _dilationRate);
        Padding = ConvUtils.Padding(Layer, padding);
        UseBias = useBias;
        _activation = Activations.Get(activation);
        _depthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _depthwiseRegularizer = depthwiseRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        BuildFromInputShape();
    }

    /// <summary>Creates the layer with a square window; see the array overload.</summary>
    /// <param name="kernelSize">The window size along both axes.</param>
    /// <param name="strides">The stride along both axes.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="depthMultiplier">The output channels per input channel.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' dtype.</param>
    /// <param name="dilationRate">The dilation along both axes.</param>
    public DepthwiseConv2D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1, string? activation = null,
        bool useBias = true, int[]? inputShape = null, string? name = null, DType? dtype = null, int dilationRate = 1)
        : this([kernelSize], [strides], padding, depthMultiplier, [dilationRate], activation, useBias, inputShape: inputShape, name: name, dtype: dtype)
    {
    }

    /// <summary>The output channels per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The depthwise kernel (kh, kw, in channels, depth multiplier); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (in channels · depth multiplier,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int channels = ConvUtils.InputChannels(this, inputShape, 2);
        _kernel = AddWeight("kernel", new Shape(_kernelSize[0], _kernelSize[1], channels, DepthMultiplier), _depthwiseInitializer,
            regularizer: _depthwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(channels * DepthMultiplier), _biasInitializer, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Variable kernel = _kernel ?? throw new InvalidOperationException($"DepthwiseConv2D {Name} is not built: call Apply, or Build first.");
        ConvUtils.RequireInput(this, inputs, 2, kernel.Shape[2]);
        Tensor y = Tf.Nn.DepthwiseConv2D(inputs, kernel, [.. _strides], Padding, [.. _dilationRate]);
        if (_bias is not null)
        {
            y = Tf.Add(y, _bias);
        }

        return _activation(y);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"DepthwiseConv2D {Name}";
        JsonObject config = BaseConfig();
        config["depth_multiplier"] = DepthMultiplier;
        config["kernel_size"] = KerasConfig.Ints(_kernelSize);
        config["strides"] = KerasConfig.Ints(_strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = KerasConfig.Ints(_dilationRate);
        config["activation"] = KerasConfig.ActivationName(_activation, owner);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = KerasConfig.Initializer(_depthwiseInitializer, owner);
        config["bias_initializer"] = KerasConfig.Initializer(_biasInitializer, owner);
        config["depthwise_regularizer"] = KerasConfig.Regularizer(_depthwiseRegularizer, owner);
        config["bias_regularizer"] = KerasConfig.Regularizer(_biasRegularizer, owner);
        config["activity_regularizer"] = KerasConfig.Regularizer(ActivityRegularizer, owner);
        config["depthwise_constraint"] = null;
        config["bias_constraint"] = null;
        return config;
    }
}
