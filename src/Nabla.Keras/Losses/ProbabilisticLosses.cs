namespace Nabla.Keras.Losses;

/// <summary>
/// Kullback-Leibler divergence (Keras's <c>KLDivergence</c>): both distributions clipped to [ε, 1] (ε = 1e-7), then
/// <c>Σ yTrue · log(yTrue / yPred)</c> over the last axis.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class KLDivergence(Reduction reduction = Reduction.SumOverBatchSize) : Loss("kl_divergence", reduction)
{
    /// <summary>Keras's <c>backend.epsilon()</c>.</summary>
    public const double Epsilon = 1e-7;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor p = Clip(Prepare(yTrue, yPred), Epsilon, 1), q = Clip(yPred, Epsilon, 1);
        return SumLastAxis(p * Tf.Log(p / q));
    }

    /// <summary>The sum over the last axis (a scalar stays as it is).</summary>
    internal static Tensor SumLastAxis(Tensor x) => x.Rank == 0 ? x : Tf.ReduceSum(x, -1);
}

/// <summary>
/// Poisson loss (Keras's <c>Poisson</c>): <c>mean(yPred - yTrue · log(yPred + ε))</c> over the last axis (ε = 1e-7),
/// the negative log-likelihood of counts <c>yTrue</c> under rates <c>yPred</c> up to a constant.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class Poisson(Reduction reduction = Reduction.SumOverBatchSize) : Loss("poisson", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) =>
        MeanLastAxis(yPred - (Prepare(yTrue, yPred) * Tf.Log(yPred + KLDivergence.Epsilon)));
}
