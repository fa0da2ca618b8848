namespace Nabla.Keras.Metrics;

/// <summary>
/// One batch of a thresholded metric read back as flat float32 arrays, after Keras's preparation: ranks aligned
/// (a trailing axis of 1 squeezed), labels cast to 0/1 (any non-zero is positive), sample weights broadcast to the
/// predictions, top-k filtering and class selection applied. <see cref="Columns"/> is the length of the last axis
/// (the labels of multi-label data), <see cref="Rows"/> the number of such rows.
/// </summary>
internal sealed record ConfusionBatch(float[] Labels, float[] Predictions, float[]? Weights, int Rows, int Columns);

/// <summary>
/// Keras's <c>metrics_utils.update_confusion_matrix_variables</c> on the host: true/false positives/negatives per
/// threshold (a prediction is positive when strictly above the threshold), weighted, accumulated in float64 arrays.
/// Loops over spans: one pass per threshold, or for evenly spread thresholds Keras's bucket pass (each prediction
/// lands in one bucket, then a reversed cumulative sum gives every threshold's count), O(predictions + thresholds).
/// </summary>
internal static class ConfusionCounts
{
    /// <summary>Keras's <c>NEG_INF</c>: what top-k filtering writes over the predictions outside the top k.</summary>
    public const float NegInf = -1e10f;

    /// <summary>Reads and prepares one batch (see <see cref="ConfusionBatch"/>); errors name the metric and the shapes.</summary>
    public static ConfusionBatch Prepare(string metric, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, int? topK = null, int? classId = null,
        bool fromLogits = false)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor y = yTrue, p = yPred;
        if (y.Rank == p.Rank + 1 && y.Shape[y.Rank - 1] == 1)
        {
            y = Tf.Squeeze(y, [y.Rank - 1]);
        }
        else if (p.Rank == y.Rank + 1 && p.Shape[p.Rank - 1] == 1)
        {
            p = Tf.Squeeze(p, [p.Rank - 1]);
        }

        if (y.Shape != p.Shape)
        {
            throw new ArgumentException(
                $"{metric}: yTrue shape {yTrue.Shape} ({yTrue.DType}) and yPred shape {yPred.Shape} ({yPred.DType}) must match.", nameof(yTrue));
        }

        Tensor predictions = Tf.Cast(p, DType.Float32);
        if (fromLogits)
        {
            predictions = Tf.Sigmoid(predictions);
        }

        float[] labels = Tf.Cast(Tf.NotEqual(Tf.Cast(y, DType.Float32), 0f), DType.Float32).ToArray<float>();
        float[] values = predictions.ToArray<float>();
        float[]? weights = sampleWeight is null ? null : Weights(metric, sampleWeight, p.Shape);
        int columns = p.Rank == 0 ? 1 : p.Shape[p.Rank - 1], rows = columns == 0 ? 0 : values.Length / columns;
        if (topK is { } k)
        {
            KeepTopK(values, columns, k);
        }

        if (classId is { } c)
        {
            if (p.Rank < 2 || c < 0 || c >= columns)
            {
                throw new ArgumentException(
                    $"{metric}: classId {c} needs predictions of shape (samples, classes) with more than {c} classes, got {yPred.Shape}.", nameof(yPred));
            }

            return new ConfusionBatch(Column(labels, columns, c), Column(values, columns, c), weights is null ? null : Column(weights, columns, c), rows, 1);
        }

        return new ConfusionBatch(labels, values, weights, rows, columns);
    }

    /// <summary>
    /// Adds the weighted counts of each threshold (prediction &gt; threshold) into the arrays given (null: not wanted),
    /// per label column when <paramref name="labelsCount"/> &gt; 1 (arrays of thresholds × labels, row-major);
    /// <paramref name="labelWeights"/> (one per column) multiply the sample weights.
    /// </summary>
    public static void Accumulate(ConfusionBatch batch, ReadOnlySpan<float> thresholds, double[]? tp, double[]? fp, double[]? tn, double[]? fn,
        int labelsCount = 1, float[]? labelWeights = null)
    {
        float[] labels = batch.Labels, predictions = batch.Predictions;
        for (int t = 0; t < thresholds.Length; t++)
        {
            float threshold = thresholds[t];
            for (int i = 0; i < predictions.Length; i++)
            {
                double w = Weight(batch, labelWeights, i);
                bool positive = predictions[i] > threshold;
                int at = (t * labelsCount) + (labelsCount == 1 ? 0 : i % labelsCount);
                if (labels[i] != 0)
                {
                    AddAt(positive ? tp : fn, at, w);
                }
                else
                {
                    AddAt(positive ? fp : tn, at, w);
                }
            }
        }
    }

    /// <summary>
    /// The same counts for <paramref name="thresholds"/> thresholds spread evenly over [0, 1] (the outer two moved by
    /// ε when <paramref name="withEpsilon"/>), per label column when <paramref name="labelsCount"/> &gt; 1 (arrays of
    /// thresholds × labels, row-major) — Keras's bucket method: predictions clipped to [0, 1], bucket
    /// ceil(p · (T - 1)) - 1, then each threshold's count is the sum of the buckets from it upwards.
    /// </summary>
    public static void AccumulateEven(ConfusionBatch batch, int thresholds, bool withEpsilon, int labelsCount, float[]? labelWeights,
        double[] tp, double[] fp, double[] tn, double[] fn)
    {
        var positives = new double[thresholds * labelsCount];
        var negatives = new double[thresholds * labelsCount];
        var totalPositive = new double[labelsCount];
        var totalNegative = new double[labelsCount];
        float scale = thresholds - 1;
        for (int i = 0; i < batch.Predictions.Length; i++)
        {
            int label = labelsCount == 1 ? 0 : i % labelsCount;
            double w = Weight(batch, labelWeights, i);
            int bucket = (int)MathF.Ceiling(Math.Clamp(batch.Predictions[i], 0f, 1f) * scale) - 1;
            bucket = withEpsilon ? Math.Max(bucket, 0) : bucket;
            bool isPositive = batch.Labels[i] != 0;
            (isPositive ? totalPositive : totalNegative)[label] += w;
            if (bucket >= 0)
            {
                (isPositive ? positives : negatives)[(bucket * labelsCount) + label] += w;
            }
        }

        for (int label = 0; label < labelsCount; label++)
        {
            double tpRun = 0, fpRun = 0;
            for (int t = thresholds - 1; t >= 0; t--)
            {
                int at = (t * labelsCount) + label;
                tpRun += positives[at];
                fpRun += negatives[at];
                tp[at] += tpRun;
                fp[at] += fpRun;
                tn[at] += totalNegative[label] - fpRun;
                fn[at] += totalPositive[label] - tpRun;
            }
        }
    }

    /// <summary>a / b, or 0 when b is 0 (Keras's <c>divide_no_nan</c>).</summary>
    public static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    private static double Weight(ConfusionBatch batch, float[]? labelWeights, int i) =>
        (batch.Weights is null ? 1 : batch.Weights[i]) * (labelWeights is null ? 1 : labelWeights[i % labelWeights.Length]);

    private static void AddAt(double[]? counts, int at, double value)
    {
        if (counts is not null)
        {
            counts[at] += value;
        }
    }

    /// <summary>Sample weights as Keras aligns them: one more trailing axis, squeezed again if that makes one too many, broadcast.</summary>
    private static float[] Weights(string metric, Tensor sampleWeight, Shape shape)
    {
        Tensor w = Tf.Cast(sampleWeight, DType.Float32);
        w = Tf.Reshape(w, [.. w.Shape.ToArray(), 1]);
        if (w.Rank == shape.Rank + 1)
        {
            w = Tf.Squeeze(w, [w.Rank - 1]);
        }

        bool broadcasts = w.Rank <= shape.Rank;
        for (int i = 1; broadcasts && i <= w.Rank; i++)
        {
            broadcasts = w.Shape[w.Rank - i] == 1 || w.Shape[w.Rank - i] == shape[shape.Rank - i];
        }

        if (!broadcasts)
        {
            throw new ArgumentException(
                $"{metric}: sample_weight of shape {sampleWeight.Shape} does not broadcast to the predictions' shape {shape}.", nameof(sampleWeight));
        }

        return Tf.BroadcastTo(w, shape).ToArray<float>();
    }

    /// <summary>Keras's <c>_filter_top_k</c>: in every row, values outside the k largest (first index first on ties) become <see cref="NegInf"/>.</summary>
    private static void KeepTopK(float[] values, int columns, int k)
    {
        var keep = new bool[columns];
        for (int start = 0; start + columns <= values.Length && columns > 0; start += columns)
        {
            Span<float> row = values.AsSpan(start, columns);
            Array.Clear(keep);
            for (int pick = 0; pick < Math.Min(k, columns); pick++)
            {
                int best = -1;
                for (int j = 0; j < columns; j++)
                {
                    if (!keep[j] && (best < 0 || row[j] > row[best]))
                    {
                        best = j;
                    }
                }

                keep[best] = true;
            }

            for (int j = 0; j < columns; j++)
            {
                row[j] = keep[j] ? row[j] : NegInf;
            }
        }
    }

    private static float[] Column(float[] values, int columns, int column)
    {
        var result = new float[values.Length / columns];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = values[(i * columns) + column];
        }

        return result;
    }
}
