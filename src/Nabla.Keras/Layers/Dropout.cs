using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;
namespace Nabla.Keras;

/// <summary>
/// Randomly zeroes a fraction <see cref="Rate"/> of its inputs during training and scales the rest by
/// <c>1 / (1 - rate)</c> (Keras's <c>Dropout</c>); at inference (<c>training: false</c>) it is the identity. With a
/// <see cref="NoiseShape"/>, whole slices are kept or dropped together.
/// </summary>
public class Dropout : Layer
{
    private readonly int?[]? _noiseShape;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The fraction of inputs to drop, in [0, 1).</param>
    /// <param name="seed">The op seed of the random mask; <c>null</c> for the global generator only.</param>
    /// <param name="name">The layer's name; <c>dropout</c>, <c>dropout_1</c>... by default.</param>
    /// <param name="noiseShape">The mask's shape (Keras's <c>noise_shape</c>): per axis 1 (one draw shared along it), its size,
    /// or null for the input's size; null for a mask as large as the input.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    /// <exception cref="ArgumentException">When <paramref name="rate"/> is outside [0, 1).</exception>
    public Dropout(double rate, int? seed = null, string? name = null, int?[]? noiseShape = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentException(
                $"{GetType().Name}: rate must be in [0, 1), got {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(rate));
        }

        Rate = rate;
        Seed = seed;
        _noiseShape = noiseShape is null ? null : (int?[])noiseShape.Clone();
        SupportsMasking = true;
    }

    /// <summary>The fraction of inputs dropped in training.</summary>
    public double Rate { get; }

    /// <summary>The op seed of the mask.</summary>
    public int? Seed { get; }

    /// <summary>The mask's shape as given (null entries take the input's size); null for the input's shape.</summary>
    public IReadOnlyList<int?>? NoiseShape => _noiseShape;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int[]? noiseShape = NoiseShapeFor(inputs);
        return training && Rate > 0 ? Tf.Nn.Dropout(inputs, Rate, Seed, noiseShape) : inputs;
    }

    /// <summary>The concrete mask shape for <paramref name="inputs"/> (null: the inputs' shape); checks the inputs.</summary>
    /// <param name="inputs">The layer's inputs.</param>
    protected virtual int[]? NoiseShapeFor(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_noiseShape is null)
        {
            return null;
        }

        if (_noiseShape.Length != inputs.Rank)
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: noiseShape has {_noiseShape.Length} axes for inputs of shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        var shape = new int[inputs.Rank];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = _noiseShape[i] ?? inputs.Shape[i];
        }

        return shape;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["noise_shape"] = _noiseShape is null ? null : KerasConfig.Shape(_noiseShape);
        return config;
    }
}

/// <summary>Reshapes each sample to <see cref="TargetShape"/> (Keras's <c>Reshape</c>); the batch dimension is kept.</summary>
public class Reshape : Layer
{
    private readonly int[] _targetShape;

    /// <summary>Creates the layer.</summary>
    /// <param name="targetShape">The shape of one sample; one dimension may be -1 (inferred).</param>
    /// <param name="inputShape">The shape of one sample given as input.</param>
    /// <param name="name">The layer's name; <c>reshape</c>... by default.</param>
    public Reshape(int[] targetShape, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        int unknown = 0;
        foreach (int d in targetShape)
        {
            unknown += d == -1 ? 1 : 0;
            if (d < -1 || d == 0)
            {
                throw new ArgumentException($"Reshape: target shape dimensions must be positive or -1, got [{string.Join(", ", targetShape)}].", nameof(targetShape));
            }
        }

        if (unknown > 1)
        {
            throw new ArgumentException($"Reshape: at most one dimension of the target shape may be -1, got [{string.Join(", ", targetShape)}].", nameof(targetShape));
        }

        _targetShape = (int[])targetShape.Clone();
    }

    /// <summary>The shape of one output sample.</summary>
    public IReadOnlyList<int> TargetShape => _targetShape;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank == 0)
        {
            throw new ArgumentException($"Reshape {Name}: inputs must have a batch dimension, got a scalar ({inputs.DType}).", nameof(inputs));
        }

        long sample = inputs.Shape[0] == 0 ? 0 : inputs.Size / inputs.Shape[0], known = 1;
        foreach (int d in _targetShape)
        {
            known *= d == -1 ? 1 : d;
        }

        bool hasUnknown = Array.IndexOf(_targetShape, -1) >= 0;
        if (inputs.Shape[0] > 0 && (hasUnknown ? sample % known != 0 : sample != known))
        {
            throw new ArgumentException(
                $"Reshape {Name}: cannot reshape samples of shape {inputs.Shape} ({sample} values each) to [{string.Join(", ", _targetShape)}].", nameof(inputs));
        }

        return Tf.Reshape(inputs, [inputs.Shape[0], .. _targetShape]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["target_shape"] = KerasConfig.Ints(_targetShape);
        return config;
    }
}
