using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// Adam (Keras's <c>Adam</c>): <c>m = β1·m + (1-β1)·g</c>, <c>v = β2·v + (1-β2)·g²</c>,
/// <c>w -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε)</c>; with AMSGrad <c>v̂ = max(v̂, v)</c> replaces <c>v</c>.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Creates the optimizer with Keras's defaults.</summary>
    /// <param name="learningRate">The learning rate (a number or a schedule); 0.001 when <c>null</c>.</param>
    /// <param name="beta1">The first moment's decay.</param>
    /// <param name="beta2">The second moment's decay.</param>
    /// <param name="epsilon">Added to <c>√v</c> for stability.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    /// <param name="clipNorm">Rescale each gradient to an L2 norm of at most this.</param>
    /// <param name="clipValue">Clip each gradient element to [-clipValue, clipValue].</param>
    /// <param name="globalClipNorm">Rescale all gradients to a joint L2 norm of at most this.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public Adam(LearningRateSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null)
        : this("Adam", learningRate, beta1, beta2, epsilon, amsgrad, clipNorm, clipValue, globalClipNorm, weightDecay)
    {
    }

    /// <summary>Creates a named Adam variant (AdamW).</summary>
    private protected Adam(string name, LearningRateSchedule? learningRate, double beta1, double beta2, double epsilon, bool amsgrad,
        double? clipNorm, double? clipValue, double? globalClipNorm, double? weightDecay)
        : base(learningRate, 0.001, name, clipNorm, clipValue, globalClipNorm, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    /// <summary>The first moment's decay.</summary>
    public double Beta1 { get; }

    /// <summary>The second moment's decay.</summary>
    public double Beta2 { get; }

    /// <summary>The stability constant.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc/>
    protected override void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(variable);
        Variable m = Slot(variable, "m");
        Variable v = Slot(variable, "v");
        Tensor alpha = learningRate * Tf.Sqrt(1 - Tf.Pow(Beta2, localStep)) / (1 - Tf.Pow(Beta1, localStep));
        AssignMovingAverage(m, gradient, Beta1);
        AssignMovingAverage(v, Tf.Square(gradient), Beta2);
        Tensor second = v;
        if (Amsgrad)
        {
            Variable vHat = Slot(variable, "v_hat");
            vHat.Assign(Tf.Maximum(vHat, v));
            second = vHat;
        }

        variable.AssignSub(m * alpha / (Tf.Sqrt(second) + Epsilon));
    }
}

/// <summary>
/// AdamW (Keras's <c>AdamW</c>): Adam with decoupled weight decay, <c>w -= w·weightDecay·lr</c> before each
/// Adam update (Keras's default weight decay 0.004).
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer with Keras's defaults.</summary>
    /// <param name="learningRate">The learning rate (a number or a schedule); 0.001 when <c>null</c>.</param>
    /// <param name="weightDecay">The decoupled weight decay.</param>
    /// <param name="beta1">The first moment's decay.</param>
    /// <param name="beta2">The second moment's decay.</param>
    /// <param name="epsilon">Added to <c>√v</c> for stability.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    /// <param name="clipNorm">Rescale each gradient to an L2 norm of at most this.</param>
    /// <param name="clipValue">Clip each gradient element to [-clipValue, clipValue].</param>
    /// <param name="globalClipNorm">Rescale all gradients to a joint L2 norm of at most this.</param>
    public AdamW(LearningRateSchedule? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null)
        : base("AdamW", learningRate, beta1, beta2, epsilon, amsgrad, clipNorm, clipValue, globalClipNorm, weightDecay)
    {
    }
}
