using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Keras's <c>ReLU</c> layer: <c>max(x, 0)</c>, or with its options <c>min(x, maxValue)</c> above
/// <paramref name="threshold"/> and <c>negativeSlope · (x - threshold)</c> below it.
/// </summary>
/// <param name="maxValue">The largest output; <c>null</c> for none.</param>
/// <param name="negativeSlope">The slope below the threshold.</param>
/// <param name="threshold">Where the unit turns on.</param>
/// <param name="name">The layer's name; <c>re_lu</c>, <c>re_lu_1</c>... by default, as Keras names it.</param>
public sealed class ReLU(double? maxValue = null, double negativeSlope = 0, double threshold = 0, string? name = null) : Layer(name)
{
    /// <summary>The largest output; <c>null</c> for none.</summary>
    public double? MaxValue { get; } = maxValue is double m && !(m >= 0) ? throw Negative("maxValue", m) : maxValue;

    /// <summary>The slope below the threshold.</summary>
    public double NegativeSlope { get; } = negativeSlope < 0 ? throw Negative("negativeSlope", negativeSlope) : negativeSlope;

    /// <summary>Where the unit turns on.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (NegativeSlope == 0 && Threshold == 0)
        {
            return MaxValue switch
            {
                null => Tf.Nn.Relu(inputs),
                6 => Tf.Nn.Relu6(inputs),
                double max => Tf.Minimum(Tf.Nn.Relu(inputs), max),
            };
        }

        Tensor above = MaxValue is double cap ? Tf.Minimum(inputs, cap) : inputs;
        Tensor below = (inputs - Threshold) * NegativeSlope;
        return Tf.Where(Tf.GreaterEqual(inputs, Threshold), above, below);
    }

    private static ArgumentException Negative(string what, double value) =>
        new($"ReLU: {what} of {value.ToString(CultureInfo.InvariantCulture)} must be >= 0.", what);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["max_value"] = MaxValue;
        config["negative_slope"] = NegativeSlope;
        config["threshold"] = Threshold;
        return config;
    }
}

/// <summary>Keras's <c>LeakyReLU</c> layer: <c>x</c> for positive inputs, <c>negativeSlope · x</c> otherwise.</summary>
/// <param name="negativeSlope">The slope for negative inputs (Keras's default 0.3; <c>alpha</c> in tf.keras 2).</param>
/// <param name="name">The layer's name; <c>leaky_re_lu</c>... by default.</param>
public sealed class LeakyReLU(double negativeSlope = 0.3, string? name = null) : Layer(name)
{
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope >= 0 ? negativeSlope
        : throw new ArgumentException(
            $"LeakyReLU: negativeSlope of {negativeSlope.ToString(CultureInfo.InvariantCulture)} must be >= 0.", nameof(negativeSlope));

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Tf.Nn.LeakyRelu(inputs, NegativeSlope);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["negative_slope"] = NegativeSlope;
        return config;
    }
}

/// <summary>Keras's <c>ELU</c> layer: <c>x</c> for positive inputs, <c>alpha · (exp(x) - 1)</c> otherwise.</summary>
/// <param name="alpha">The scale of the negative part.</param>
/// <param name="name">The layer's name; <c>elu</c>... by default.</param>
public sealed class ELU(double alpha = 1.0, string? name = null) : Layer(name)
{
    /// <summary>The scale of the negative part.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) =>
        Alpha == 1 ? Tf.Nn.Elu(inputs) : Tf.Where(Tf.Greater(inputs, 0), inputs, Tf.Nn.Elu(inputs) * Alpha);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["alpha"] = Alpha;
        return config;
    }
}

/// <summary>Keras's <c>Softmax</c> layer: the softmax over <paramref name="axis"/> (the last by default).</summary>
/// <param name="axis">The axis normalized.</param>
/// <param name="name">The layer's name; <c>softmax</c>... by default.</param>
public sealed class Softmax(int axis = -1, string? name = null) : Layer(name)
{
    /// <summary>The axis normalized.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Tf.Nn.Softmax(inputs, Axis);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axis"] = Axis;
        return config;
    }
}

/// <summary>
/// Keras's <c>PReLU</c> layer: <c>x</c> for positive inputs, <c>alpha · x</c> otherwise, with a trainable
/// <c>alpha</c> per input element (shape of one sample), shared along <see cref="SharedAxes"/> (1-based, as Keras).
/// </summary>
public sealed class PReLU : Layer
{
    private readonly Initializer _alphaInitializer;
    private Variable? _alpha;

    /// <summary>Creates the layer.</summary>
    /// <param name="alphaInitializer">The initial slopes; zeros by default, as Keras.</param>
    /// <param name="sharedAxes">Axes (1-based, the batch axis is 0) along which one slope is shared, e.g. <c>[1, 2]</c> for images.</param>
    /// <param name="name">The layer's name; <c>p_re_lu</c>... by default.</param>
    public PReLU(Initializer? alphaInitializer = null, int[]? sharedAxes = null, string? name = null)
        : base(name)
    {
        _alphaInitializer = alphaInitializer ?? new Zeros();
        SharedAxes = sharedAxes ?? [];
    }

    /// <summary>The axes along which one slope is shared (1-based).</summary>
    public IReadOnlyList<int> SharedAxes { get; }

    /// <summary>The slopes; <c>null</c> before the layer is built.</summary>
    public Variable? Alpha => _alpha;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int[] shape = inputShape.ToArray()[1..];
        foreach (int axis in SharedAxes)
        {
            if (axis < 1 || axis > shape.Length)
            {
                throw new ArgumentException($"PReLU {Name}: shared axis {axis} is not an axis of inputs of shape {inputShape}.", nameof(inputShape));
            }

            shape[axis - 1] = 1;
        }

        _alpha = AddWeight("alpha", new Shape(shape), _alphaInitializer);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable alpha = _alpha ?? throw new InvalidOperationException($"PReLU {Name} is not built: call Apply, or Build first.");
        return Tf.Nn.Relu(inputs) - (alpha * Tf.Nn.Relu(-inputs));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["alpha_initializer"] = KerasConfig.Initializer(_alphaInitializer, $"PReLU {Name}");
        config["alpha_regularizer"] = null;
        config["alpha_constraint"] = null;
        config["shared_axes"] = SharedAxes.Count == 0 ? null : KerasConfig.Ints(SharedAxes);
        return config;
    }
}
