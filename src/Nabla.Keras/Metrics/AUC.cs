namespace Nabla.Keras.Metrics;

/// <summary>
/// The area under the ROC or precision-recall curve (Keras's <c>AUC</c>), approximated as Keras does: true/false
/// positives/negatives are counted at <see cref="NumThresholds"/> thresholds (by default evenly spread over [0, 1], the
/// outer two moved out by ε = 1e-7) and the curve through those points is summed as a Riemann sum: the mid-point
/// (<c>"interpolation"</c>, for PR Davis and Goadrich's interpolation of the positives), the lower
/// (<c>"minoring"</c>) or the upper (<c>"majoring"</c>) rectangle. With <see cref="MultiLabel"/> one AUC per label
/// column is computed and averaged (weighted by the label weights when given); otherwise all values are pooled.
/// </summary>
public sealed class AUC : Metric
{
    private const float Epsilon = 1e-7f;
    private readonly float[] _thresholds;
    private readonly bool _evenlySpread;
    private readonly float[]? _labelWeights;
    private int _labels;
    private double[]? _tp;
    private double[]? _fp;
    private double[]? _tn;
    private double[]? _fn;

    /// <summary>Creates the metric.</summary>
    /// <param name="numThresholds">The number of thresholds (more than 1); ignored when <paramref name="thresholds"/> are given.</param>
    /// <param name="curve"><c>"ROC"</c> (default) or <c>"PR"</c>.</param>
    /// <param name="summationMethod"><c>"interpolation"</c> (default), <c>"minoring"</c> or <c>"majoring"</c>.</param>
    /// <param name="name">The metric's name.</param>
    /// <param name="thresholds">Explicit thresholds in [0, 1] (sorted here); −ε and 1 + ε are added around them.</param>
    /// <param name="multiLabel">Whether each column of (samples, labels) data gets its own AUC, averaged.</param>
    /// <param name="numLabels">The number of labels of multi-label data (otherwise taken from the first batch).</param>
    /// <param name="labelWeights">Per-label weights: of the label AUCs' average with <paramref name="multiLabel"/>, else of the pooled counts.</param>
    /// <param name="fromLogits">Whether predictions are logits (a sigmoid is applied first).</param>
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string name = "auc",
        double[]? thresholds = null, bool multiLabel = false, int? numLabels = null, double[]? labelWeights = null, bool fromLogits = false)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(summationMethod);
        Curve = curve is "ROC" or "roc" ? "ROC" : curve is "PR" or "pr" ? "PR"
            : throw new ArgumentException($"AUC: Invalid AUC curve value: \"{curve}\". Expected values are [\"PR\", \"ROC\"].", nameof(curve));
        SummationMethod = summationMethod.ToLowerInvariant() is "interpolation" or "majoring" or "minoring" ? summationMethod.ToLowerInvariant()
            : throw new ArgumentException(
                $"AUC: Invalid AUC summation method value: \"{summationMethod}\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"].",
                nameof(summationMethod));
        float[] inner;
        if (thresholds is not null)
        {
            inner = [.. thresholds.Order().Select(t => (float)t)];
            float[] withEnds = [0f, .. inner, 1f];
            _evenlySpread = withEnds.Length >= 3 && withEnds.Select((t, i) => Math.Abs(t - ((float)i / (withEnds.Length - 1)))).All(d => d <= Epsilon);
        }
        else
        {
            if (numThresholds <= 1)
            {
                throw new ArgumentException($"AUC: Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={numThresholds}.", nameof(numThresholds));
            }

            inner = [.. Enumerable.Range(0, numThresholds - 2).Select(i => (float)((i + 1) * 1.0 / (numThresholds - 1)))];
            _evenlySpread = true;
        }

        _thresholds = [0f - Epsilon, .. inner, 1f + Epsilon];
        if (numLabels is not null && !multiLabel)
        {
            throw new ArgumentException("AUC: `num_labels` is needed only when `multi_label` is True.", nameof(numLabels));
        }

        MultiLabel = multiLabel;
        _labelWeights = labelWeights is null ? null : Array.ConvertAll(labelWeights, w => (float)w);
        FromLogits = fromLogits;
        if (numLabels is { } labels)
        {
            Allocate(labels);
        }
    }

    /// <summary>The number of thresholds, the two outer ones included.</summary>
    public int NumThresholds => _thresholds.Length;

    /// <summary>The thresholds, the two outer ones (−ε, 1 + ε) included.</summary>
    public IReadOnlyList<float> Thresholds => _thresholds;

    /// <summary><c>"ROC"</c> or <c>"PR"</c>.</summary>
    public string Curve { get; }

    /// <summary><c>"interpolation"</c>, <c>"minoring"</c> or <c>"majoring"</c>.</summary>
    public string SummationMethod { get; }

    /// <summary>Whether each label column gets its own AUC.</summary>
    public bool MultiLabel { get; }

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The weighted true positives per threshold (per threshold × label with <see cref="MultiLabel"/>); empty before any batch.</summary>
    public IReadOnlyList<double> TruePositives => _tp ?? [];

    /// <summary>The weighted false positives, laid out as <see cref="TruePositives"/>.</summary>
    public IReadOnlyList<double> FalsePositives => _fp ?? [];

    /// <summary>The weighted true negatives, laid out as <see cref="TruePositives"/>.</summary>
    public IReadOnlyList<double> TrueNegatives => _tn ?? [];

    /// <summary>The weighted false negatives, laid out as <see cref="TruePositives"/>.</summary>
    public IReadOnlyList<double> FalseNegatives => _fn ?? [];

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yPred);
        if (MultiLabel && yPred.Rank != 2)
        {
            throw new ArgumentException(
                $"AUC {Name}: `y_pred` must have rank 2 when `multi_label=True`. Found rank {yPred.Rank}. Full shape received for `y_pred`: {yPred.Shape}.",
                nameof(yPred));
        }

        ConfusionBatch batch = ConfusionCounts.Prepare(Name, yTrue, yPred, sampleWeight, fromLogits: FromLogits);
        int labels = MultiLabel ? batch.Columns : 1;
        if (_tp is null)
        {
            Allocate(labels);
        }
        else if (labels != _labels)
        {
            throw new ArgumentException($"AUC {Name}: built for {_labels} labels, got predictions of shape {yPred.Shape}.", nameof(yPred));
        }

        float[]? countWeights = MultiLabel ? null : _labelWeights;
        if (_evenlySpread)
        {
            ConfusionCounts.AccumulateEven(batch, _thresholds.Length, withEpsilon: true, labels, countWeights, _tp!, _fp!, _tn!, _fn!);
        }
        else
        {
            ConfusionCounts.Accumulate(batch, _thresholds, _tp, _fp, _tn, _fn, labels, countWeights);
        }
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_tp is null)
        {
            return 0;
        }

        var byLabel = new double[_labels];
        for (int label = 0; label < _labels; label++)
        {
            byLabel[label] = Curve == "PR" && SummationMethod == "interpolation" ? InterpolatedPrAuc(label) : RiemannAuc(label);
        }

        if (_labels == 1 && !MultiLabel)
        {
            return byLabel[0];
        }

        if (_labelWeights is null)
        {
            return byLabel.Average();
        }

        double weighted = 0, total = 0;
        for (int label = 0; label < _labels; label++)
        {
            weighted += byLabel[label] * _labelWeights[label];
            total += _labelWeights[label];
        }

        return ConfusionCounts.DivideNoNan(weighted, total);
    }

    /// <inheritdoc/>
    public override void ResetState()
    {
        foreach (double[]? counts in new[] { _tp, _fp, _tn, _fn })
        {
            if (counts is not null)
            {
                Array.Clear(counts);
            }
        }
    }

    private void Allocate(int labels)
    {
        _labels = labels;
        _tp = new double[_thresholds.Length * labels];
        _fp = new double[_thresholds.Length * labels];
        _tn = new double[_thresholds.Length * labels];
        _fn = new double[_thresholds.Length * labels];
    }

    /// <summary>Keras's Riemann sum over the (x, y) points of the curve: ROC (false-positive rate, recall) or PR (recall, precision).</summary>
    private double RiemannAuc(int label)
    {
        double sum = 0;
        for (int t = 0; t + 1 < _thresholds.Length; t++)
        {
            (double x0, double y0) = Point(t, label);
            (double x1, double y1) = Point(t + 1, label);
            double height = SummationMethod switch
            {
                "interpolation" => (y0 + y1) / 2,
                "minoring" => Math.Min(y0, y1),
                _ => Math.Max(y0, y1),
            };
            sum += (x0 - x1) * height;
        }

        return sum;
    }

    private (double X, double Y) Point(int t, int label)
    {
        int at = (t * _labels) + label;
        double tp = _tp![at], fp = _fp![at], tn = _tn![at], fn = _fn![at];
        double recall = ConfusionCounts.DivideNoNan(tp, tp + fn);
        return Curve == "ROC"
            ? (ConfusionCounts.DivideNoNan(fp, fp + tn), recall)
            : (recall, ConfusionCounts.DivideNoNan(tp, tp + fp));
    }

    /// <summary>
    /// Keras's <c>interpolate_pr_auc</c> (Davis and Goadrich 2006): true positives and predicted positives vary linearly
    /// between thresholds, so each interval adds <c>slope · (ΔTP + intercept · log(P_A / P_B)) / positives</c>.
    /// </summary>
    private double InterpolatedPrAuc(int label)
    {
        double sum = 0;
        for (int t = 0; t + 1 < _thresholds.Length; t++)
        {
            int a = (t * _labels) + label, b = ((t + 1) * _labels) + label;
            double dtp = _tp![a] - _tp[b];
            double pA = _tp[a] + _fp![a], pB = _tp[b] + _fp[b];
            double slope = ConfusionCounts.DivideNoNan(dtp, Math.Max(pA - pB, 0));
            double intercept = _tp[b] - (slope * pB);
            double ratio = pA > 0 && pB > 0 ? ConfusionCounts.DivideNoNan(pA, Math.Max(pB, 0)) : 1;
            sum += ConfusionCounts.DivideNoNan(slope * (dtp + (intercept * Math.Log(ratio))), Math.Max(_tp[b] + _fn![b], 0));
        }

        return sum;
    }
}
