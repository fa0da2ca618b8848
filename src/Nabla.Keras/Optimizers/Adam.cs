namespace Nabla.Keras.Optimizers;

/// <summary>
/// Adam (Keras's <c>Adam</c>): <c>m = β1·m + (1-β1)·g</c>, <c>v = β2·v + (1-β2)·g²</c>,
/// <c>w -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the optimizer with Keras's defaults.</summary>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="beta1">The first moment's decay.</param>
    /// <param name="beta2">The second moment's decay.</param>
    /// <param name="epsilon">Added to <c>√v</c> for stability.</param>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
        : base(learningRate, "Adam")
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>The first moment's decay.</summary>
    public double Beta1 { get; }

    /// <summary>The second moment's decay.</summary>
    public double Beta2 { get; }

    /// <summary>The stability constant.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor gradient, Variable variable, long iteration)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        Variable[] slots = Slots(variable, 2);
        Variable m = slots[0];
        Variable v = slots[1];
        double alpha = LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, iteration)) / (1 - Math.Pow(Beta1, iteration));
        m.Assign((m * Beta1) + (gradient * (1 - Beta1)));
        v.Assign((v * Beta2) + (Tf.Square(gradient) * (1 - Beta2)));
        variable.AssignSub(m * alpha / (Tf.Sqrt(v) + Epsilon));
    }
}
