namespace Nabla.Keras.Losses;

/// <summary>
/// Binary cross-entropy (Keras's <c>BinaryCrossentropy</c>): probabilities are clipped to [ε, 1-ε] (ε = 1e-7) and
/// <c>-(y·log(p+ε) + (1-y)·log(1-p+ε))</c> is averaged over the last axis; from logits it is
/// <c>max(x, 0) - x·y + log(1 + exp(-|x|))</c>.
/// </summary>
/// <param name="fromLogits">Whether predictions are logits rather than probabilities.</param>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class BinaryCrossentropy(bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) : Loss("binary_crossentropy", reduction)
{
    /// <summary>Keras's fuzz factor.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor y = Prepare(yTrue, yPred);
        if (FromLogits)
        {
            return MeanLastAxis(Tf.Nn.Relu(yPred) - (yPred * y) + Tf.Nn.Softplus(-Tf.Abs(yPred)));
        }

        Tensor p = Clip(yPred, Epsilon, 1 - Epsilon);
        return MeanLastAxis(-((y * Tf.Log(p + Epsilon)) + ((1 - y) * Tf.Log(1 - p + Epsilon))));
    }
}

/// <summary>
/// Categorical cross-entropy with one-hot targets (Keras's <c>CategoricalCrossentropy</c>):
/// <c>-Σ y·log(p)</c> over the last axis, probabilities renormalised and clipped to [ε, 1-ε]; from logits,
/// <c>-Σ y·logSoftmax(x)</c>.
/// </summary>
/// <param name="fromLogits">Whether predictions are logits rather than probabilities.</param>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class CategoricalCrossentropy(bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) : Loss("categorical_crossentropy", reduction)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) => CrossEntropy(Prepare(yTrue, yPred), yPred, FromLogits);

    internal static Tensor CrossEntropy(Tensor oneHot, Tensor yPred, bool fromLogits)
    {
        if (yPred.Rank < 1)
        {
            throw new ArgumentException($"Cross-entropy: predictions need a class axis, got shape {yPred.Shape} ({yPred.DType}).", nameof(yPred));
        }

        Tensor logProbabilities;
        if (fromLogits)
        {
            logProbabilities = Tf.Nn.LogSoftmax(yPred);
        }
        else
        {
            Tensor p = yPred / Tf.ReduceSum(yPred, -1, keepdims: true);
            logProbabilities = Tf.Log(Clip(p, BinaryCrossentropy.Epsilon, 1 - BinaryCrossentropy.Epsilon));
        }

        return -Tf.ReduceSum(oneHot * logProbabilities, -1);
    }
}

/// <summary>
/// Categorical cross-entropy with integer class targets (Keras's <c>SparseCategoricalCrossentropy</c>):
/// targets of shape (batch,) or (batch, 1) index the class axis of predictions of shape (batch, classes).
/// </summary>
/// <param name="fromLogits">Whether predictions are logits rather than probabilities.</param>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) : Loss("sparse_categorical_crossentropy", reduction)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yPred.Rank < 1)
        {
            throw new ArgumentException($"{Name}: predictions need a class axis, got shape {yPred.Shape} ({yPred.DType}).", nameof(yPred));
        }

        int classes = yPred.Shape[yPred.Rank - 1];
        int samples = yPred.Size / Math.Max(1, classes);
        if (yTrue.Size != samples)
        {
            throw new ArgumentException(
                $"{Name}: {yTrue.Size} labels (shape {yTrue.Shape}, {yTrue.DType}) for {samples} samples (predictions shape {yPred.Shape}).", nameof(yTrue));
        }

        // Through the sparse op in both cases, as Keras's TensorFlow backend does (probabilities become clipped
        // log-probabilities first): its kernel rejects an out-of-range label when it runs, traced or not, where a
        // one-hot row of zeros would give a wrong loss.
        Tensor labels = Tf.Reshape(Tf.Cast(yTrue, DType.Int64), yPred.Shape.ToArray()[..^1]);
        if (FromLogits)
        {
            return Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(labels, yPred);
        }

        Tensor p = yPred / Tf.ReduceSum(yPred, -1, keepdims: true);
        Tensor logProbabilities = Tf.Log(Clip(p, BinaryCrossentropy.Epsilon, 1 - BinaryCrossentropy.Epsilon));
        return Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logProbabilities);
    }
}
