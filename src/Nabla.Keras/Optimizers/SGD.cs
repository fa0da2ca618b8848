namespace Nabla.Keras.Optimizers;

/// <summary>
/// Stochastic gradient descent (Keras's <c>SGD</c>). Without momentum: <c>w -= lr·g</c>. With momentum:
/// <c>v = momentum·v - lr·g</c>, then <c>w += v</c>, or with Nesterov <c>w += momentum·v - lr·g</c>.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer (Keras's defaults: learning rate 0.01, no momentum).</summary>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="momentum">The momentum, in [0, 1].</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public SGD(double learningRate = 0.01, double momentum = 0, bool nesterov = false)
        : base(learningRate, "SGD")
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
    protected override void UpdateStep(Tensor gradient, Variable variable, long iteration)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        if (Momentum == 0)
        {
            variable.AssignSub(gradient * LearningRate);
            return;
        }

        Variable velocity = Slots(variable, 1)[0];
        velocity.Assign((velocity * Momentum) - (gradient * LearningRate));
        variable.AssignAdd(Nesterov ? (velocity * Momentum) - (gradient * LearningRate) : velocity);
    }
}
