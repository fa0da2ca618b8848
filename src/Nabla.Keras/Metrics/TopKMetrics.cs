namespace Nabla.Keras.Metrics;

/// <summary>
/// The fraction of samples whose one-hot target class is among the <see cref="K"/> largest predictions (Keras's
/// <c>TopKCategoricalAccuracy</c>). As TensorFlow's <c>in_top_k</c>, classes tied with the k-th largest prediction
/// all count as in the top k, and a non-finite prediction for the target never does.
/// </summary>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many of the largest predictions count.</param>
    /// <param name="name">The metric's name.</param>
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy")
        : base((t, p) => InTopK(ArgMaxLast(t), p, k), name)
    {
        K = k > 0 ? k : throw new ArgumentException($"TopKCategoricalAccuracy: k must be positive, got {k}.", nameof(k));
    }

    /// <summary>How many of the largest predictions count.</summary>
    public int K { get; }

    /// <summary>
    /// 1 where the prediction for <paramref name="target"/> is finite and fewer than <paramref name="k"/> predictions of
    /// its row are strictly larger, else 0 (float32, one per row).
    /// </summary>
    internal static Tensor InTopK(Tensor target, Tensor yPred, int k)
    {
        Tensor predictions = Tf.Cast(yPred, DType.Float32);
        int classes = predictions.Shape[predictions.Rank - 1];
        if (target.Rank != predictions.Rank - 1 || !target.Shape.ToArray().AsSpan().SequenceEqual(predictions.Shape.ToArray().AsSpan(0, target.Rank)))
        {
            throw new ArgumentException(
                $"Top-k accuracy: targets of shape {target.Shape} do not match predictions of shape {yPred.Shape} ({yPred.DType}).", nameof(target));
        }

        Tensor isTarget = Tf.OneHot(Tf.Cast(target, DType.Int64), classes, dtype: DType.Bool);
        Tensor targetValue = Tf.ReduceMax(Tf.Where(isTarget, predictions, float.NegativeInfinity), -1, keepdims: true);
        Tensor larger = Tf.ReduceSum(Tf.Cast(Tf.Greater(predictions, targetValue), DType.Float32), -1);
        Tensor finite = Tf.IsFinite(Tf.Squeeze(targetValue, [targetValue.Rank - 1]));
        return Tf.Cast(Tf.LogicalAnd(Tf.Less(larger, (float)k), finite), DType.Float32);
    }
}

/// <summary>
/// The fraction of samples whose integer target class is among the <see cref="K"/> largest predictions (Keras's
/// <c>SparseTopKCategoricalAccuracy</c>); targets of shape (batch,) or (batch, 1). Ties as <see cref="TopKCategoricalAccuracy"/>.
/// </summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many of the largest predictions count.</param>
    /// <param name="name">The metric's name.</param>
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy")
        : base((t, p) => TopKCategoricalAccuracy.InTopK(Labels(t, p), p, k), name)
    {
        K = k > 0 ? k : throw new ArgumentException($"SparseTopKCategoricalAccuracy: k must be positive, got {k}.", nameof(k));
    }

    /// <summary>How many of the largest predictions count.</summary>
    public int K { get; }

    private static Tensor Labels(Tensor yTrue, Tensor yPred) =>
        yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue.Shape[yTrue.Rank - 1] == 1 ? Tf.Squeeze(yTrue, [yTrue.Rank - 1]) : yTrue;
}
