using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// Adagrad (Keras's <c>Adagrad</c>): <c>a += g²</c> (a starts at <see cref="InitialAccumulatorValue"/>), then
/// <c>w -= lr·g/√(a + ε)</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the optimizer with Keras's defaults.</summary>
    /// <param name="learningRate">The learning rate (a number or a schedule); 0.001 when <c>null</c>.</param>
    /// <param name="initialAccumulatorValue">The accumulator's starting value.</param>
    /// <param name="epsilon">Added under the square root for stability.</param>
    /// <param name="clipNorm">Rescale each gradient to an L2 norm of at most this.</param>
    /// <param name="clipValue">Clip each gradient element to [-clipValue, clipValue].</param>
    /// <param name="globalClipNorm">Rescale all gradients to a joint L2 norm of at most this.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public Adagrad(LearningRateSchedule? learningRate = null, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null)
        : base(learningRate, 0.001, "Adagrad", clipNorm, clipValue, globalClipNorm, weightDecay)
    {
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <summary>The accumulator's starting value.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>The stability constant.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        Variable accumulator = Slot(variable, "accumulator", InitialAccumulatorValue);
        accumulator.AssignAdd(Tf.Square(gradient));
        variable.AssignSub(gradient * learningRate / Tf.Sqrt(accumulator + Epsilon));
    }
}
