using System.Globalization;

namespace Nabla.Keras.Metrics;

/// <summary>
/// The shared part of <see cref="Precision"/> and <see cref="Recall"/> (Keras's confusion-matrix metrics): a
/// prediction counts as positive when it is above <see cref="Threshold"/>; with <see cref="TopK"/> only the k largest
/// predictions of each row can be positive; with <see cref="ClassId"/> only that class's column is scored. Targets are
/// positive when non-zero. Sample weights weight each prediction (Keras's broadcasting).
/// </summary>
public abstract class ConfusionMetric : Metric
{
    /// <summary>Validates and stores the settings.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="threshold">The decision threshold in [0, 1]; 0.5 by default, or with <paramref name="topK"/> none (every top-k prediction is positive).</param>
    /// <param name="topK">Only the k largest predictions of each row count as positive.</param>
    /// <param name="classId">Score only this class (a column of the last axis).</param>
    protected ConfusionMetric(string name, double? threshold, int? topK, int? classId)
        : base(name)
    {
        if (threshold is { } t && !(t >= 0 && t <= 1))
        {
            throw new ArgumentException(
                $"{GetType().Name}: Threshold values must be in [0, 1]. Received: [{t.ToString(CultureInfo.InvariantCulture)}].", nameof(threshold));
        }

        if (topK is <= 0)
        {
            throw new ArgumentException($"{GetType().Name}: topK must be positive, got {topK}.", nameof(topK));
        }

        Threshold = threshold ?? (topK is null ? 0.5 : ConfusionCounts.NegInf);
        TopK = topK;
        ClassId = classId;
    }

    /// <summary>The decision threshold (Keras's <c>NEG_INF</c>, -1e10, when only top-k decides).</summary>
    public double Threshold { get; }

    /// <summary>Only the k largest predictions of each row count as positive; null for all.</summary>
    public int? TopK { get; }

    /// <summary>The class scored; null for every prediction.</summary>
    public int? ClassId { get; }

    /// <summary>The weighted count of true positives so far.</summary>
    public double TruePositives { get; private set; }

    /// <summary>The weighted count of the other cell this metric needs (false positives or false negatives).</summary>
    protected double OtherCount { get; private set; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ConfusionBatch batch = ConfusionCounts.Prepare(Name, yTrue, yPred, sampleWeight, TopK, ClassId);
        var tp = new double[1];
        var other = new double[1];
        Accumulate(batch, [(float)Threshold], tp, other);
        TruePositives += tp[0];
        OtherCount += other[0];
    }

    /// <inheritdoc/>
    public override void ResetState()
    {
        TruePositives = 0;
        OtherCount = 0;
    }

    /// <summary>Adds the batch's true positives and the other cell.</summary>
    /// <param name="batch">The prepared batch.</param>
    /// <param name="thresholds">The one threshold.</param>
    /// <param name="truePositives">Receives the true positives.</param>
    /// <param name="other">Receives the other cell.</param>
    private protected abstract void Accumulate(ConfusionBatch batch, ReadOnlySpan<float> thresholds, double[] truePositives, double[] other);
}

/// <summary>
/// Precision (Keras's <c>Precision</c>): true positives / (true positives + false positives), 0 before any positive
/// prediction.
/// </summary>
/// <param name="thresholds">The decision threshold in [0, 1]; 0.5 by default (none with <paramref name="topK"/>).</param>
/// <param name="topK">Only the k largest predictions of each row count as positive.</param>
/// <param name="classId">Score only this class.</param>
/// <param name="name">The metric's name.</param>
public sealed class Precision(double? thresholds = null, int? topK = null, int? classId = null, string name = "precision")
    : ConfusionMetric(name, thresholds, topK, classId)
{
    /// <summary>The weighted count of false positives so far.</summary>
    public double FalsePositives => OtherCount;

    /// <inheritdoc/>
    public override double Result() => ConfusionCounts.DivideNoNan(TruePositives, TruePositives + FalsePositives);

    private protected override void Accumulate(ConfusionBatch batch, ReadOnlySpan<float> thresholds, double[] truePositives, double[] other) =>
        ConfusionCounts.Accumulate(batch, thresholds, truePositives, other, null, null);
}

/// <summary>
/// Recall (Keras's <c>Recall</c>): true positives / (true positives + false negatives), 0 before any positive target.
/// </summary>
/// <param name="thresholds">The decision threshold in [0, 1]; 0.5 by default (none with <paramref name="topK"/>).</param>
/// <param name="topK">Only the k largest predictions of each row count as positive.</param>
/// <param name="classId">Score only this class.</param>
/// <param name="name">The metric's name.</param>
public sealed class Recall(double? thresholds = null, int? topK = null, int? classId = null, string name = "recall")
    : ConfusionMetric(name, thresholds, topK, classId)
{
    /// <summary>The weighted count of false negatives so far.</summary>
    public double FalseNegatives => OtherCount;

    /// <inheritdoc/>
    public override double Result() => ConfusionCounts.DivideNoNan(TruePositives, TruePositives + FalseNegatives);

    private protected override void Accumulate(ConfusionBatch batch, ReadOnlySpan<float> thresholds, double[] truePositives, double[] other) =>
        ConfusionCounts.Accumulate(batch, thresholds, truePositives, null, null, other);
}
