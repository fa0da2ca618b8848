using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// A dense layer whose product is an einsum (Keras's <c>EinsumDense</c>): <c>activation(einsum(equation, inputs,
/// kernel) + bias)</c>. The equation names the input's, the kernel's and the output's axes (<c>abc,cde->abde</c>
/// projects (batch, time, features) to (batch, time, heads, size) with a kernel (features, heads, size)); an ellipsis
/// stands for axes passed through (<c>...b,bc->...c</c>). The kernel's shape comes from the input's and the output's
/// sizes; <see cref="BiasAxes"/> names the output axes the bias runs along.
/// </summary>
public class EinsumDense : Layer
{
    private readonly int?[] _partialOutputShape;
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private EinsumEquation? _equation;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer; its kernel and bias are made when it first sees an input.</summary>
    /// <param name="equation">The einsum equation: <c>X,Y->Z</c>, <c>...X,Y->...Z</c> or <c>X...,Y->Z...</c>.</param>
    /// <param name="outputShape">The output's shape without the batch axis and the elided axes; <c>null</c> entries are read from the input.</param>
    /// <param name="activation">An activation name; <c>null</c> for none.</param>
    /// <param name="biasAxes">The output axes with a bias (<c>"de"</c>); <c>null</c> for no bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the outputs.</param>
    /// <param name="name">The layer's name; <c>einsum_dense</c>... by default.</param>
    /// <param name="dtype">The weights' and outputs' dtype; float32 by default.</param>
    public EinsumDense(string equation, int?[] outputShape, string? activation = null, string? biasAxes = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(equation);
        ArgumentNullException.ThrowIfNull(outputShape);
        foreach (int? size in outputShape)
        {
            if (size is <= 0)
            {
                throw new ArgumentException(
                    $"EinsumDense {Name}: outputShape sizes must be positive or null, got ({string.Join(", ", outputShape)}).", nameof(outputShape));
            }
        }

        Equation = equation;
        _partialOutputShape = (int?[])outputShape.Clone();
        BiasAxes = biasAxes;
        _activation = Activations.Get(activation);
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
    }

    /// <summary>Creates the layer with one output size (Keras's <c>output_shape=64</c>).</summary>
    /// <param name="equation">The einsum equation.</param>
    /// <param name="outputShape">The size of the output's one axis besides the batch (and the elided axes).</param>
    /// <param name="activation">An activation name; <c>null</c> for none.</param>
    /// <param name="biasAxes">The output axes with a bias; <c>null</c> for no bias.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The weights' and outputs' dtype.</param>
    public EinsumDense(string equation, int outputShape, string? activation = null, string? biasAxes = null, string? name = null,
        DType? dtype = null)
        : this(equation, [outputShape], activation, biasAxes, name: name, dtype: dtype)
    {
    }

    /// <summary>The einsum equation as given.</summary>
    public string Equation { get; }

    /// <summary>The output axes with a bias, or <c>null</c>.</summary>
    public string? BiasAxes { get; }

    /// <summary>The output shape as given (without batch and elided axes).</summary>
    public IReadOnlyList<int?> PartialOutputShape => _partialOutputShape;

    /// <summary>The output's full shape once built (batch first, unknown entries null), as Keras's <c>full_output_shape</c>.</summary>
    public IReadOnlyList<int?>? FullOutputShape => _equation?.OutputShape;

    /// <summary>The kernel; <c>null</c> before the layer is built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias; <c>null</c> before the layer is built or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        _equation = EinsumEquation.Analyze(Name, Equation, BiasAxes, inputShape, _partialOutputShape);
        _kernel = AddWeight("kernel", new Shape(_equation.KernelShape), _kernelInitializer, regularizer: _kernelRegularizer);
        _bias = _equation.BiasShape is { } biasShape
            ? AddWeight("bias", new Shape(biasShape), _biasInitializer, regularizer: _biasRegularizer)
            : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EinsumEquation equation = _equation ?? throw new InvalidOperationException($"EinsumDense {Name} is not built: call Apply, or Build first.");
        Variable kernel = _kernel!;
        if (inputs.Rank != equation.Input.Length || !SharedSizesMatch(inputs, equation, kernel))
        {
            throw new ArgumentException(
                $"EinsumDense {Name}: the equation '{Equation}' with kernel {kernel.Shape} does not take inputs of shape {inputs.Shape} " +
                $"({inputs.DType}).", nameof(inputs));
        }

        if (inputs.DType.IsInteger && kernel.DType.IsFloating)
        {
            inputs = Tf.Cast(inputs, kernel.DType);
        }

        Tensor y = equation.Contract(inputs, kernel);
        if (_bias is not null)
        {
            y += _bias;
        }

        return _activation(y);
    }

    // The input axes the kernel shares must have the kernel's sizes.
    private static bool SharedSizesMatch(Tensor inputs, EinsumEquation equation, Variable kernel)
    {
        for (int i = 0; i < equation.Kernel.Length; i++)
        {
            int at = equation.Input.IndexOf(equation.Kernel[i], StringComparison.Ordinal);
            if (at >= 0 && inputs.Shape[at] != kernel.Shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        string owner = $"EinsumDense {Name}";
        JsonObject config = BaseConfig();
        config["output_shape"] = KerasConfig.Shape(_partialOutputShape);
        config["equation"] = Equation;
        config["activation"] = KerasConfig.ActivationName(_activation, owner);
        config["bias_axes"] = BiasAxes;
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
