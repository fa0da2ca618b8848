using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// Stochastic gradient descent (Keras's <c>SGD</c>). Without momentum: <c>w -= lr·g</c>. With momentum:
/// <c>v = momentum·v - lr·g</c>, then <c>w += v</c>, or with Nesterov <c>w += momentum·v - lr·g</c>.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer (Keras's defaults: learning rate 0.01, no momentum).</summary>
    /// <param name="learningRate">The learning rate (a number or a schedule); 0.01 when <c>null</c>.</param>
    /// <param name="momentum">The momentum, in [0, 1].</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <param name="clipNorm">Rescale each gradient to an L2 norm of at most this.</param>
    /// <param name="clipValue">Clip each gradient element to [-clipValue, clipValue].</param>
    /// <param name="globalClipNorm">Rescale all gradients to a joint L2 norm of at most this.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public SGD(LearningRateSchedule? learningRate = null, double momentum = 0, bool nesterov = false,
        double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null)
        : base(learningRate, 0.01, "SGD", clipNorm, clipValue, globalClipNorm, weightDecay)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentException(
                $"SGD: momentum must be in [0, 1], got {momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(momentum));
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        if (Momentum == 0)
        {
            variable.AssignSub(gradient * learningRate);
            return;
        }

        Variable velocity = Slot(variable, "momentum");
        velocity.Assign((velocity * Momentum) - (gradient * learningRate));
        variable.AssignAdd(Nesterov ? (velocity * Momentum) - (gradient * learningRate) : velocity);
    }
}
