using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// The shared part of Keras's convolution layers <see cref="Conv1D"/> and <see cref="Conv2D"/> (Keras's
/// <c>BaseConv</c>): <c>activation(conv(inputs, kernel) + bias)</c> over channels-last inputs, with a kernel of shape
/// (kernel size..., input channels / groups, filters) and a bias of shape (filters,). With <see cref="Groups"/> &gt; 1
/// the input channels are split into groups, each convolved with its own filters / groups filters.
/// </summary>
public abstract class BaseConv : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilationRate;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Validates and stores the arguments (Keras's checks and messages).</summary>
    /// <param name="rank">The number of spatial axes (1 or 2).</param>
    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernelSize">The window: one size for every axis, or one per axis.</param>
    /// <param name="strides">The strides: one value or one per axis; 1 by default.</param>
    /// <param name="padding"><c>"valid"</c>, <c>"same"</c> (or <c>"causal"</c> for 1-D).</param>
    /// <param name="dilationRate">The dilation: one value or one per axis; 1 by default.</param>
    /// <param name="groups">The number of channel groups; divides the input channels and <paramref name="filters"/>.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    protected BaseConv(int rank, int filters, int[] kernelSize, int[]? strides, string padding, int[]? dilationRate, int groups,
        Func<Tensor, Tensor> activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer, int[]? inputShape, string? name, DType? dtype)
        : base(name, inputShape, dtype)
    {
        ArgumentNullException.ThrowIfNull(activation);
        string layer = GetType().Name;
        ConvUtils.RequirePositive(layer, "filters", filters);
        if (groups <= 0)
        {
            throw new ArgumentException($"{layer}: The number of groups must be a positive integer. Received: groups={groups}.", nameof(groups));
        }

        if (filters % groups != 0)
        {
            throw new ArgumentException(
                $"{layer}: The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        }

        Rank = rank;
        Filters = filters;
        Groups = groups;
        _kernelSize = ConvUtils.Tuple(layer, "kernelSize", kernelSize, rank);
        _strides = ConvUtils.Tuple(layer, "strides", strides ?? [1], rank);
        _dilationRate = ConvUtils.Tuple(layer, "dilationRate", dilationRate ?? [1], rank);
        ConvUtils.RequireStridesOrDilation(layer, _strides, _dilationRate);
        Padding = ConvUtils.Padding(layer, padding, allowCausal: rank == 1);
        UseBias = useBias;
        _activation = activation;
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
    }

    /// <summary>The number of spatial axes.</summary>
    public int Rank { get; }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>The padding: <c>"valid"</c>, <c>"same"</c> or (1-D) <c>"causal"</c>.</summary>
    public string Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The window, one size per spatial axis.</summary>
    public IReadOnlyList<int> KernelSize => _kernelSize;

    /// <summary>The strides, one per spatial axis.</summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>The dilation rates, one per spatial axis.</summary>
    public IReadOnlyList<int> DilationRate => _dilationRate;

    /// <summary>The kernel (kernel size..., input channels / groups, filters); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int channels = ConvUtils.InputChannels(this, inputShape, Rank);
        if (channels % Groups != 0)
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: The number of input channels must be evenly divisible by the number of groups. Received groups={Groups}, " +
                $"but the input has {channels} channels (full input shape is {inputShape}).", nameof(inputShape));
        }

        _kernel = AddWeight("kernel", new Shape([.. _kernelSize, channels / Groups, Filters]), _kernelInitializer,
            regularizer: _kernelRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(Filters), _biasInitializer, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Variable kernel = _kernel ?? throw new InvalidOperationException($"{GetType().Name} {Name} is not built: call Apply, or Build first.");
        ConvUtils.RequireInput(this, inputs, Rank, kernel.Shape[Rank] * Groups);
        Tensor y = Convolve(inputs, kernel, [.. _strides], [.. _dilationRate]);
        if (_bias is not null)
        {
            y = Tf.Add(y, _bias);
        }

        return _activation(y);
    }

    /// <summary>The convolution itself (the <c>Tf.Nn</c> op of this rank).</summary>
    /// <param name="inputs">The checked inputs.</param>
    /// <param name="kernel">The kernel.</param>
    /// <param name="strides">The strides, one per spatial axis.</param>
    /// <param name="dilationRate">The dilation rates, one per spatial axis.</param>
    protected abstract Tensor Convolve(Tensor inputs, Tensor kernel, int[] strides, int[] dilationRate);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"{GetType().Name} {Name}";
        JsonObject config = BaseConfig();
        config["filters"] = Filters;
        config["kernel_size"] = KerasConfig.Ints(_kernelSize);
        config["strides"] = KerasConfig.Ints(_strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = KerasConfig.Ints(_dilationRate);
        config["groups"] = Groups;
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
