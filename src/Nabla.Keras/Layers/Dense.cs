using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>A densely connected layer (Keras's <c>Dense</c>): <c>activation(inputs · kernel + bias)</c>.</summary>
public class Dense : Layer
{
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer; its kernel and bias are made when it first sees an input (or now, given <paramref name="inputShape"/>).</summary>
    /// <param name="units">The output size.</param>
    /// <param name="activation">An activation name (<c>"relu"</c>); <c>null</c> for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel (<c>"l2"</c>, <see cref="L2"/>...), added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (Keras's <c>input_shape</c>), e.g. <c>[1]</c>.</param>
    /// <param name="name">The layer's name; <c>dense</c>, <c>dense_1</c>... by default.</param>
    /// <param name="dtype">The dtype of the kernel, bias and outputs; float32 by default.</param>
    public Dense(int units, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(units, Activations.Get(activation), useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer,
            activityRegularizer, inputShape, name, dtype)
    {
    }

    /// <summary>Creates the layer with an activation function.</summary>
    /// <param name="units">The output size.</param>
    /// <param name="activation">The activation function.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel (<c>"l2"</c>, <see cref="L2"/>...), added to <see cref="Layer.Losses"/>.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample (Keras's <c>input_shape</c>).</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the kernel, bias and outputs; float32 by default.</param>
    public Dense(int units, Func<Tensor, Tensor> activation, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (units <= 0)
        {
            throw new ArgumentException($"Dense: units must be positive, got {units}.", nameof(units));
        }

        Units = units;
        UseBias = useBias;
        _activation = activation;
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        BuildFromInputShape();
        SupportsMasking = true;
    }

    /// <summary>The output size.</summary>
    public int Units { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel, shape (inputs, units); <c>null</c> before the layer is built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias, shape (units,); <c>null</c> before the layer is built or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 1)
        {
            throw new ArgumentException($"Dense {Name}: inputs must have rank at least 1, got shape {inputShape}.", nameof(inputShape));
        }

        int inputs = inputShape[inputShape.Rank - 1];
        _kernel = AddWeight("kernel", new Shape(inputs, Units), _kernelInitializer, regularizer: _kernelRegularizer);
        _bias = UseBias ? AddWeight("bias", new Shape(Units), _biasInitializer, regularizer: _biasRegularizer) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable kernel = _kernel ?? throw new InvalidOperationException($"Dense {Name} is not built: call Apply, or Build first.");
        int features = kernel.Shape[0];
        if (inputs.Rank < 1 || inputs.Shape[inputs.Rank - 1] != features)
        {
            throw new ArgumentException(
                $"Dense {Name}: expected inputs with last dimension {features}, got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        // Integer inputs (C# int arrays) are promoted to the kernel's dtype, as Keras 3's matmul promotes int32 with float32.
        if (inputs.DType.IsInteger && kernel.DType.IsFloating)
        {
            inputs = Tf.Cast(inputs, kernel.DType);
        }

        int[] outShape = inputs.Shape.ToArray();
        outShape[^1] = Units;
        Tensor flat = Tf.Reshape(inputs, [-1, features]);
        Tensor y = Tf.Reshape(Tf.MatMul(flat, kernel), outShape);
        if (_bias is not null)
        {
            y += _bias;
        }

        return _activation(y);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["units"] = Units;
        config["activation"] = KerasConfig.ActivationName(_activation, $"Dense {Name}");
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasConfig.Initializer(_kernelInitializer, $"Dense {Name}");
        config["bias_initializer"] = KerasConfig.Initializer(_biasInitializer, $"Dense {Name}");
        config["kernel_regularizer"] = KerasConfig.Regularizer(_kernelRegularizer, $"Dense {Name}");
        config["bias_regularizer"] = KerasConfig.Regularizer(_biasRegularizer, $"Dense {Name}");
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
        return config;
    }
}
