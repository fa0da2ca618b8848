using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// RMSprop (Keras's <c>RMSprop</c>): <c>s = ρ·s + (1-ρ)·g²</c>; centered, also <c>a = ρ·a + (1-ρ)·g</c> and
/// <c>d = s - a² + ε</c>, else <c>d = s + ε</c>; the increment is <c>lr·g/√d</c>, applied directly
/// (<c>w -= increment</c>) or through momentum (<c>μ = momentum·μ + increment</c>, <c>w -= μ</c>).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates the optimizer with Keras's defaults.</summary>
    /// <param name="learningRate">The learning rate (a number or a schedule); 0.001 when <c>null</c>.</param>
    /// <param name="rho">The decay of the squared-gradient average.</param>
    /// <param name="momentum">The momentum; 0 for none.</param>
    /// <param name="epsilon">Added under the square root for stability.</param>
    /// <param name="centered">Whether to normalise by the gradient's estimated variance.</param>
    /// <param name="clipNorm">Rescale each gradient to an L2 norm of at most this.</param>
    /// <param name="clipValue">Clip each gradient element to [-clipValue, clipValue].</param>
    /// <param name="globalClipNorm">Rescale all gradients to a joint L2 norm of at most this.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public RMSprop(LearningRateSchedule? learningRate = null, double rho = 0.9, double momentum = 0, double epsilon = 1e-7, bool centered = false,
        double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null)
        : base(learningRate, 0.001, "RMSprop", clipNorm, clipValue, globalClipNorm, weightDecay)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>The decay of the squared-gradient average.</summary>
    public double Rho { get; }

    /// <summary>The momentum.</summary>
    public double Momentum { get; }

    /// <summary>The stability constant.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        Variable velocity = Slot(variable, "velocity");
        AssignMovingAverage(velocity, Tf.Square(gradient), Rho);
        Tensor denominator;
        if (Centered)
        {
            Variable average = Slot(variable, "average_gradient");
            AssignMovingAverage(average, gradient, Rho);
            denominator = velocity - Tf.Square(average) + Epsilon;
        }
        else
        {
            denominator = velocity + Epsilon;
        }

        Tensor increment = gradient * learningRate / Tf.Sqrt(denominator);
        if (Momentum > 0)
        {
            Variable momentum = Slot(variable, "momentum");
            momentum.Assign((momentum * Momentum) + increment);
            variable.AssignSub(momentum);
        }
        else
        {
            variable.AssignSub(increment);
        }
    }
}
