using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nabla.Keras.Optimizers.Schedules;

/// <summary>
/// A learning rate that depends on the optimizer's step (Keras's <c>LearningRateSchedule</c>). A plain
/// <see cref="double"/> converts implicitly to a constant schedule, so optimizers take either.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's <c>Iterations</c> before the update, from 0).</summary>
    /// <param name="step">The 0-based step.</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name (schedule.__call__).")]
    public abstract double Call(long step);

    /// <summary>A constant learning rate.</summary>
    public static implicit operator LearningRateSchedule(double learningRate) => FromDouble(learningRate);

    /// <summary>A constant learning rate (the named form of the implicit conversion).</summary>
    /// <exception cref="ArgumentException">When the rate is negative or NaN.</exception>
    public static LearningRateSchedule FromDouble(double learningRate) => new ConstantLearningRate(learningRate);

    /// <summary>Formats a number for error messages.</summary>
    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A fixed learning rate; the one schedule whose rate an optimizer may change (<c>optimizer.LearningRate = ...</c>).</summary>
internal sealed class ConstantLearningRate : LearningRateSchedule
{
    public ConstantLearningRate(double value)
    {
        if (!(value >= 0))
        {
            throw new ArgumentException($"Learning rate must be non-negative, got {Format(value)}.", nameof(value));
        }

        Value = value;
    }

    public double Value { get; }

    public override double Call(long step) => Value;
}
