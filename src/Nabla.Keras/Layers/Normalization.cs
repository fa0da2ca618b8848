using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Batch normalization over the last axis (Keras's <c>BatchNormalization</c>): in training, normalizes with the
/// batch's mean and (biased) variance and moves <c>moving_mean</c>/<c>moving_variance</c> towards them by
/// <c>moving = moving · momentum + batch · (1 - momentum)</c>; at inference (or when frozen) uses the moving
/// statistics. Weights, in Keras's order: <c>gamma</c>, <c>beta</c> (trainable), <c>moving_mean</c>,
/// <c>moving_variance</c> (non-trainable).
/// </summary>
public class BatchNormalization : Layer
{
    private readonly DType _dtype;
    private Variable? _gamma;
    private Variable? _beta;
    private Variable? _movingMean;
    private Variable? _movingVariance;

    /// <summary>Creates the layer.</summary>
    /// <param name="momentum">The moving statistics' momentum.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <param name="center">Whether to add <c>beta</c>.</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c>.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name; <c>batch_normalization</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        _dtype = dtype ?? DType.Float32;
        BuildFromInputShape();
    }

    /// <summary>The moving statistics' momentum.</summary>
    public double Momentum { get; }

    /// <summary>The variance epsilon.</summary>
    public double Epsilon { get; }

    /// <summary>Whether <c>beta</c> is used.</summary>
    public bool Center { get; }

    /// <summary>Whether <c>gamma</c> is used.</summary>
    public bool Scale { get; }

    /// <summary>The moving mean (non-trainable); null before build.</summary>
    public Variable? MovingMean => _movingMean;

    /// <summary>The moving variance (non-trainable); null before build.</summary>
    public Variable? MovingVariance => _movingVariance;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        Shape features = new(LastDim("BatchNormalization", Name, inputShape));
        _gamma = Scale ? AddWeight("gamma", features, new Ones(), dtype: _dtype) : null;
        _beta = Center ? AddWeight("beta", features, new Zeros(), dtype: _dtype) : null;
        _movingMean = AddWeight("moving_mean", features, new Zeros(), trainable: false, dtype: _dtype);
        _movingVariance = AddWeight("moving_variance", features, new Ones(), trainable: false, dtype: _dtype);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable movingMean = _movingMean ?? throw new InvalidOperationException($"BatchNormalization {Name} is not built: call Apply, or Build first.");
        Variable movingVariance = _movingVariance!;
        CheckFeatures("BatchNormalization", Name, inputs, movingMean.Shape[0]);
        Tensor mean, variance;
        if (training && Trainable)
        {
            var axes = new int[inputs.Rank - 1];
            for (int i = 0; i < axes.Length; i++)
            {
                axes[i] = i;
            }

            mean = Tf.ReduceMean(inputs, axes);
            variance = Tf.ReduceMean(Tf.Square(Tf.Subtract(inputs, mean)), axes);
            movingMean.Assign(Tf.Add(Tf.Multiply(movingMean.ReadValue(), Momentum), Tf.Multiply(Tf.StopGradient(mean), 1 - Momentum)));
            movingVariance.Assign(Tf.Add(Tf.Multiply(movingVariance.ReadValue(), Momentum), Tf.Multiply(Tf.StopGradient(variance), 1 - Momentum)));
        }
        else
        {
            mean = movingMean;
            variance = movingVariance;
        }

        return Normalize(inputs, mean, variance, Epsilon, _gamma, _beta);
    }

    /// <summary>(x - mean) / sqrt(variance + epsilon) · gamma + beta.</summary>
    internal static Tensor Normalize(Tensor x, Tensor mean, Tensor variance, double epsilon, Tensor? gamma, Tensor? beta)
    {
        Tensor y = Tf.Multiply(Tf.Subtract(x, mean), Tf.Rsqrt(Tf.Add(variance, epsilon)));
        if (gamma is not null)
        {
            y = Tf.Multiply(y, gamma);
        }

        return beta is null ? y : Tf.Add(y, beta);
    }

    /// <summary>The size of the last axis, or a clear error for scalars.</summary>
    internal static int LastDim(string layer, string name, Shape shape) => shape.Rank >= 1
        ? shape[shape.Rank - 1]
        : throw new ArgumentException($"{layer} {name}: inputs must have rank at least 1, got shape {shape}.", nameof(shape));

    /// <summary>Throws unless the inputs' last axis has <paramref name="features"/> elements.</summary>
    internal static void CheckFeatures(string layer, string name, Tensor inputs, int features)
    {
        if (inputs.Rank < 1 || inputs.Shape[inputs.Rank - 1] != features)
        {
            throw new ArgumentException(
                $"{layer} {name}: expected inputs with last dimension {features}, got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axis"] = -1;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = KerasConfig.Initializer(new Zeros(), Name);
        config["gamma_initializer"] = KerasConfig.Initializer(new Ones(), Name);
        config["moving_mean_initializer"] = KerasConfig.Initializer(new Zeros(), Name);
        config["moving_variance_initializer"] = KerasConfig.Initializer(new Ones(), Name);
        config["beta_regularizer"] = null;
        config["gamma_regularizer"] = null;
        config["beta_constraint"] = null;
        config["gamma_constraint"] = null;
        config["synchronized"] = false;
        return config;
    }
}

/// <summary>
/// Layer normalization over the last axis (Keras's <c>LayerNormalization</c>): each sample is normalized with its
/// own mean and variance, then scaled by <c>gamma</c> and shifted by <c>beta</c>; the same in training and inference.
/// </summary>
public class LayerNormalization : Layer
{
    private readonly DType _dtype;
    private Variable? _gamma;
    private Variable? _beta;

    /// <summary>Creates the layer.</summary>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <param name="center">Whether to add <c>beta</c>.</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c>.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name; <c>layer_normalization</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public LayerNormalization(double epsilon = 1e-3, bool center = true, bool scale = true, int[]? inputShape = null,
        string? name = null, DType? dtype = null)
        : base(name, inputShape, dtype)
    {
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        _dtype = dtype ?? DType.Float32;
        SupportsMasking = true;
        BuildFromInputShape();
    }

    /// <summary>The variance epsilon.</summary>
    public double Epsilon { get; }

    /// <summary>Whether <c>beta</c> is used.</summary>
    public bool Center { get; }

    /// <summary>Whether <c>gamma</c> is used.</summary>
    public bool Scale { get; }

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        Shape features = new(BatchNormalization.LastDim("LayerNormalization", Name, inputShape));
        _gamma = Scale ? AddWeight("gamma", features, new Ones(), dtype: _dtype) : null;
        _beta = Center ? AddWeight("beta", features, new Zeros(), dtype: _dtype) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Built)
        {
            throw new InvalidOperationException($"LayerNormalization {Name} is not built: call Apply, or Build first.");
        }

        if (_gamma is not null || _beta is not null)
        {
            BatchNormalization.CheckFeatures("LayerNormalization", Name, inputs, (_gamma ?? _beta)!.Shape[0]);
        }

        Tensor mean = Tf.ReduceMean(inputs, -1, keepdims: true);
        Tensor variance = Tf.ReduceMean(Tf.Square(Tf.Subtract(inputs, mean)), -1, keepdims: true);
        return BatchNormalization.Normalize(inputs, mean, variance, Epsilon, _gamma, _beta);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axis"] = new JsonArray(-1);
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = KerasConfig.Initializer(new Zeros(), Name);
        config["gamma_initializer"] = KerasConfig.Initializer(new Ones(), Name);
        config["beta_regularizer"] = null;
        config["gamma_regularizer"] = null;
        config["beta_constraint"] = null;
        config["gamma_constraint"] = null;
        return config;
    }
}
