namespace Nabla.Keras.Losses;

/// <summary>
/// Hinge loss (Keras's <c>Hinge</c>): <c>mean(max(1 - yTrue · yPred, 0))</c> over the last axis. Targets are -1 or 1;
/// targets that are all 0 or 1 are first mapped to -1 and 1 (<c>2·y - 1</c>), as Keras does.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class Hinge(Reduction reduction = Reduction.SumOverBatchSize) : Loss("hinge", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) =>
        MeanLastAxis(Tf.Nn.Relu(1 - (ToSigned(Prepare(yTrue, yPred)) * yPred)));

    /// <summary>
    /// Keras's <c>convert_binary_labels_to_hinge</c>: when every target is 0 or 1 they become -1/1; otherwise they stay.
    /// The choice is a tensor (<c>Tf.Where</c> on a scalar condition), so it needs no read back to the host.
    /// </summary>
    internal static Tensor ToSigned(Tensor y)
    {
        Tensor binary = Tf.ReduceAll(Tf.LogicalOr(Tf.Equal(y, 0), Tf.Equal(y, 1)));
        return Tf.Where(binary, (2 * y) - 1, y);
    }
}

/// <summary>
/// Squared hinge loss (Keras's <c>SquaredHinge</c>): <c>mean(max(1 - yTrue · yPred, 0)²)</c> over the last axis, with
/// <see cref="Hinge"/>'s mapping of 0/1 targets to -1/1.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class SquaredHinge(Reduction reduction = Reduction.SumOverBatchSize) : Loss("squared_hinge", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) =>
        MeanLastAxis(Tf.Square(Tf.Nn.Relu(1 - (Hinge.ToSigned(Prepare(yTrue, yPred)) * yPred))));
}

/// <summary>
/// Categorical hinge loss (Keras's <c>CategoricalHinge</c>) for one-hot targets: with
/// <c>pos = Σ yTrue · yPred</c> and <c>neg = max((1 - yTrue) · yPred)</c> over the last axis, <c>max(neg - pos + 1, 0)</c>.
/// </summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class CategoricalHinge(Reduction reduction = Reduction.SumOverBatchSize) : Loss("categorical_hinge", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor y = Prepare(yTrue, yPred);
        if (yPred.Rank < 1)
        {
            throw new ArgumentException($"{Name}: predictions need a class axis, got shape {yPred.Shape} ({yPred.DType}).", nameof(yPred));
        }

        Tensor positive = Tf.ReduceSum(y * yPred, -1), negative = Tf.ReduceMax((1 - y) * yPred, -1);
        return Tf.Nn.Relu(negative - positive + 1);
    }
}
