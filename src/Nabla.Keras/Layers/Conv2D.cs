using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// A 2-D convolution layer over NHWC inputs (Keras's <c>Conv2D</c>): <c>activation(conv2d(inputs, kernel) + bias)</c>,
/// with a kernel of shape (kh, kw, in channels, filters).
/// </summary>
public class Conv2D : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly int[] _kernelSize;
    private readonly int[] _strides;
    private readonly int[] _dilationRate;
    private readonly DType _dtype;
    private Variable? _kernel;
    private Variable? _bias;

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
    /// <param name="dilationRate">The dilation: one value or (height, width); 1 by default.</param>
    /// <param name="inputShape">The shape of one sample (height, width, channels).</param>
    /// <param name="name">The layer's name; <c>conv2d</c>, <c>conv2d_1</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public Conv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, int[]? dilationRate = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (filters <= 0)
        {
            throw new ArgumentException($"Conv2D: filters must be positive, got {filters}.", nameof(filters));
        }

        Filters = filters;
        _kernelSize = Pair("kernelSize", kernelSize);
        _strides = Pair("strides", strides ?? [1]);
        _dilationRate = Pair("dilationRate", dilationRate ?? [1]);
        Padding = Pooling.ParsePadding("Conv2D", padding);
        UseBias = useBias;
        _activation = Activations.Get(activation);
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        _dtype = dtype ?? DType.Float32;
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
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        bool useBias = true, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(filters, [kernelSize], [strides], padding, activation, useBias, null, null, kernelRegularizer, biasRegularizer,
            activityRegularizer, null, inputShape, name, dtype)
    {
    }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel (kh, kw, in channels, filters); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias (filters,); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
        {
            throw new ArgumentException($"Conv2D {Name}: inputs must be rank 4 (batch, height, width, channels), got shape {inputShape}.", nameof(inputShape));
        }

        _kernel = AddWeight("kernel", new Shape(_kernelSize[0], _kernelSize[1], inputShape[3], Filters), _kernelInitializer, dtype: _dtype,
            regularizer: _kernelRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(Filters), _biasInitializer, dtype: _dtype, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable kernel = _kernel ?? throw new InvalidOperationException($"Conv2D {Name} is not built: call Apply, or Build first.");
        if (inputs.Rank != 4 || inputs.Shape[3] != kernel.Shape[2])
        {
            throw new ArgumentException(
                $"Conv2D {Name}: expected inputs (batch, height, width, {kernel.Shape[2]}), got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        Tensor y = Tf.Nn.Conv2D(inputs, kernel, _strides, Padding, _dilationRate);
        if (_bias is not null)
        {
            y = Tf.Add(y, _bias);
        }

        return _activation(y);
    }

    private static int[] Pair(string what, int[] values) => values.Length switch
    {
        1 when values[0] > 0 => [values[0], values[0]],
        2 when values[0] > 0 && values[1] > 0 => [values[0], values[1]],
        _ => throw new ArgumentException($"Conv2D: {what} must be one or two positive integers, got [{string.Join(", ", values)}].", what),
    };
}
