namespace Nabla.Keras.Losses;

/// <summary>
/// Cosine similarity loss (Keras's <c>CosineSimilarity</c>): both vectors L2-normalized along <see cref="Axis"/>
/// (<c>x · min(1 / ‖x‖, 1 / ε)</c>, ε = 1e-7, so a zero vector stays zero), then <c>-Σ yTrue · yPred</c>: -1 for
/// vectors pointing the same way, 1 for opposite ones, 0 for orthogonal ones.
/// </summary>
/// <param name="axis">The axis along which the similarity is computed.</param>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class CosineSimilarity(int axis = -1, Reduction reduction = Reduction.SumOverBatchSize) : Loss("cosine_similarity", reduction)
{
    /// <summary>The axis of the vectors.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor y = Prepare(yTrue, yPred);
        if (yPred.Rank == 0 || Axis < -yPred.Rank || Axis >= yPred.Rank)
        {
            throw new ArgumentException($"{Name}: axis {Axis} is out of range for predictions of shape {yPred.Shape} ({yPred.DType}).", nameof(yPred));
        }

        return -Tf.ReduceSum(Normalize(y, Axis) * Normalize(yPred, Axis), Axis);
    }

    /// <summary>Keras's <c>ops.normalize</c> (order 2): <c>x · min(rsqrt(Σ x²), 1 / ε)</c>.</summary>
    internal static Tensor Normalize(Tensor x, int axis) =>
        x * Tf.Minimum(Tf.Rsqrt(Tf.ReduceSum(Tf.Square(x), axis, keepdims: true)), 1 / KLDivergence.Epsilon);
}

/// <summary>
/// Log-cosh loss (Keras's <c>LogCosh</c>): <c>mean(log(cosh(yPred - yTrue)))</c> over the last axis, computed as
/// <c>x + softplus(-2x) - log 2</c> so large errors do not overflow: about <c>x²/2</c> for small errors and
/// <c>|x| - log 2</c> for large ones.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class LogCosh(Reduction reduction = Reduction.SumOverBatchSize) : Loss("log_cosh", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor x = yPred - Prepare(yTrue, yPred);
        return MeanLastAxis(x + Tf.Nn.Softplus(x * -2.0) - Math.Log(2.0));
    }
}
