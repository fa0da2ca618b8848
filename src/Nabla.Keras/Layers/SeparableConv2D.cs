using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// A depthwise-separable 2-D convolution layer (Keras's <c>SeparableConv2D</c>): a depthwise convolution (each input
/// channel with its own <see cref="DepthMultiplier"/> filters) followed by a 1×1 convolution mixing the channels into
/// <see cref="Filters"/> outputs (<c>Tf.Nn.SeparableConv2D</c>), plus a bias, then the activation. Weights as Keras
/// names them: <c>depthwise_kernel</c> (kh, kw, in channels, depth multiplier), <c>pointwise_kernel</c>
/// (1, 1, in channels · depth multiplier, filters) and <c>bias</c> (filters,).
/// </summary>
public class SeparableConv2D : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _depthwiseInitializer;
    private readonly Initializer _pointwiseInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _depthwiseRegularizer;
    private readonly Regularizer? _pointwiseRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilationRate;
    private Variable? _depthwiseKernel;
    private Variable? _pointwiseKernel;
    private Variable? _bias;

    /// <summary>Creates the layer; its weights are made on the first input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The depthwise window: one size for both axes, or (height, width).</param>
    /// <param name="strides">The depthwise strides: one value or (height, width); 1 by default.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>.</param>
    /// <param name="dilationRate">The depthwise dilation; 1 by default (not with strides above 1, as Keras).</param>
    /// <param name="depthMultiplier">The depthwise output channels per input channel.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">The depthwise kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="pointwiseInitializer">The pointwise kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="depthwiseRegularizer">A penalty on the depthwise kernel.</param>
    /// <param name="pointwiseRegularizer">A penalty on the pointwise kernel.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (height, width, channels).</param>
    /// <param name="name">The layer's name; <c>separable_conv2d</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public SeparableConv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? dilationRate = null,
        int depthMultiplier = 1, string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null,
        Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        const string Layer = nameof(SeparableConv2D);
        ConvUtils.RequirePositive(Layer, "depthMultiplier", depthMultiplier);
        ConvUtils.RequirePositive(Layer, "filters", filters);
        Filters = filters;
        DepthMultiplier = depthMultiplier;
        _kernelSize = ConvUtils.Tuple(Layer, "kernelSize", kernelSize, 2);
        _strides = ConvUtils.Tuple(Layer, "strides", strides ?? [1], 2);
        _dilationRate = ConvUtils.Tuple(Layer, "dilationRate", dilationRate ?? [1], 2);
        ConvUtils.RequireStridesOrDilation(Layer, _strides, _dilationRate);
        Padding = ConvUtils.Padding(Layer, padding);
        UseBias = useBias;
        _activation = Activations.Get(activation);
        _depthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        _pointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _depthwiseRegularizer = depthwiseRegularizer;
        _pointwiseRegularizer = pointwiseRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        BuildFromInputShape();
    }

    /// <summary>Creates the layer with a square window; see the array overload.</summary>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window size along both axes.</param>
    /// <param name="strides">The stride along both axes.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="depthMultiplier">The depthwise output channels per input channel.</param>
    /// <param name="activation">An activation name; null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' dtype.</param>
    public SeparableConv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1, string? activation = null,
        bool useBias = true, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(filters, [kernelSize], [strides], padding, null, depthMultiplier, activation, useBias, inputShape: inputShape, name: name, dtype: dtype)
    {
    }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The depthwise output channels per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The depthwise kernel (kh, kw, in channels, depth multiplier); null before build.</summary>
    public Variable? DepthwiseKernel => _depthwiseKernel;

    /// <summary>The pointwise kernel (1, 1, in channels · depth multiplier, filters); null before build.</summary>
    public Variable? PointwiseKernel => _pointwiseKernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int channels = ConvUtils.InputChannels(this, inputShape, 2);
        _depthwiseKernel = AddWeight("depthwise_kernel", new Shape(_kernelSize[0], _kernelSize[1], channels, DepthMultiplier), _depthwiseInitializer, regularizer: _depthwiseRegularizer);
        _pointwiseKernel = AddWeight("pointwise_kernel", new Shape(1, 1, channels * DepthMultiplier, Filters), _pointwiseInitializer, regularizer: _pointwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(Filters), _biasInitializer, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Variable depthwise = _depthwiseKernel ?? throw new InvalidOperationException($"SeparableConv2D {Name} is not built: call Apply, or Build first.");
        ConvUtils.RequireInput(this, inputs, 2, depthwise.Shape[2]);
        Tensor y = Tf.Nn.SeparableConv2D(inputs, depthwise, _pointwiseKernel!, [.. _strides], Padding, [.. _dilationRate]);
        if (_bias is not null)
        {
            y = Tf.Add(y, _bias);
        }

        return _activation(y);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"SeparableConv2D {Name}";
        JsonObject config = BaseConfig();
        config["depth_multiplier"] = DepthMultiplier;
        config["filters"] = Filters;
        config["kernel_size"] = KerasConfig.Ints(_kernelSize);
        config["strides"] = KerasConfig.Ints(_strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = KerasConfig.Ints(_dilationRate);
        config["activation"] = KerasConfig.ActivationName(_activation, owner);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = KerasConfig.Initializer(_depthwiseInitializer, owner);
        config["pointwise_initializer"] = KerasConfig.Initializer(_pointwiseInitializer, owner);
        config["bias_initializer"] = KerasConfig.Initializer(_biasInitializer, owner);
        config["depthwise_regularizer"] = KerasConfig.Regularizer(_depthwiseRegularizer, owner);
        config["pointwise_regularizer"] = KerasConfig.Regularizer(_pointwiseRegularizer, owner);
        config["bias_regularizer"] = KerasConfig.Regularizer(_biasRegularizer, owner);
        config["activity_regularizer"] = KerasConfig.Regularizer(ActivityRegularizer, owner);
        config["depthwise_constraint"] = null;
        config["pointwise_constraint"] = null;
        config["bias_constraint"] = null;
        return config;
    }
}
