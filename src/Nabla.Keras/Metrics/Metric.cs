namespace Nabla.Keras.Metrics;

/// <summary>
/// A stateful metric (Keras's <c>keras.metrics.Metric</c>): <see cref="UpdateState"/> accumulates batches,
/// <see cref="Result"/> reads the value so far, <see cref="ResetState"/> starts over.
/// </summary>
public abstract class Metric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name, the key of its logs (<c>accuracy</c>, <c>val_accuracy</c>).</param>
    protected Metric(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The metric's name.</summary>
    public string Name { get; }

    /// <summary>Accumulates one batch of targets and predictions.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">Optional per-sample weights.</param>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>The metric's value over everything accumulated since the last reset.</summary>
    public abstract double Result();

    /// <summary>Forgets everything accumulated.</summary>
    public abstract void ResetState();

    /// <inheritdoc/>
    public override string ToString() => $"<{GetType().Name} '{Name}'>";

    /// <summary>
    /// The metric named <paramref name="name"/>, named so in logs: <c>accuracy</c>/<c>acc</c> (binary,
    /// categorical or sparse categorical, chosen from the shapes of the first batch as Keras's <c>compile</c> does),
    /// <c>binary_accuracy</c>, <c>categorical_accuracy</c>, <c>sparse_categorical_accuracy</c>,
    /// <c>mse</c>/<c>mean_squared_error</c>, <c>mae</c>/<c>mean_absolute_error</c>, <c>auc</c>, <c>precision</c>,
    /// <c>recall</c>, <c>top_k_categorical_accuracy</c>, <c>sparse_top_k_categorical_accuracy</c>,
    /// <c>root_mean_squared_error</c>, <c>r2_score</c> (these last also by class name, <c>"AUC"</c>...).
    /// </summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Metric Get(string name) => name switch
    {
        "accuracy" or "acc" => new AutoAccuracy(name),
        "binary_accuracy" => new BinaryAccuracy(),
        "categorical_accuracy" => new CategoricalAccuracy(),
        "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(),
        "mse" or "mean_squared_error" => new MeanSquaredError(name),
        "mae" or "mean_absolute_error" => new MeanAbsoluteError(name),
        "auc" or "AUC" => new AUC(),
        "precision" or "Precision" => new Precision(),
        "recall" or "Recall" => new Recall(),
        "top_k_categorical_accuracy" or "TopKCategoricalAccuracy" => new TopKCategoricalAccuracy(),
        "sparse_top_k_categorical_accuracy" or "SparseTopKCategoricalAccuracy" => new SparseTopKCategoricalAccuracy(),
        "root_mean_squared_error" or "RootMeanSquaredError" => new RootMeanSquaredError(),
        "r2_score" or "R2Score" => new R2Score(),
        _ => throw new ArgumentException($"Could not interpret metric identifier: '{name}'.", nameof(name)),
    };

    /// <summary>The sum of a tensor's elements as a double.</summary>
    internal static double Sum(Tensor values) => Tf.ReduceSum(Tf.Cast(values, DType.Float64)).Item<double>();
}

/// <summary>
/// The weighted mean of the values seen (Keras's <c>keras.metrics.Mean</c>):
/// <c>Σ w·v / Σ w</c>, every weight 1 by default; 0 before any value.
/// </summary>
/// <param name="name">The metric's name.</param>
public class Mean(string name = "mean") : Metric(name)
{
    private double _total;
    private double _count;

    /// <summary>The weighted sum of the values so far.</summary>
    public double Total => _total;

    /// <summary>The sum of the weights so far.</summary>
    public double Count => _count;

    /// <summary>Accumulates <paramref name="values"/>, weighted by <paramref name="sampleWeight"/> (broadcast to the values).</summary>
    /// <param name="values">The values.</param>
    /// <param name="sampleWeight">Their weights; 1 each when <c>null</c>.</param>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        Tensor v = Tf.Cast(values, DType.Float64);
        if (sampleWeight is null)
        {
            _total += Sum(v);
            _count += v.Size;
            return;
        }

        Tensor w = Tf.Cast(sampleWeight, DType.Float64);
        if (w.Rank < v.Rank && w.Size == v.Shape[0])
        {
            // Per-sample weights for per-element values: one weight per leading-axis row.
            int[] shape = new int[v.Rank];
            Array.Fill(shape, 1);
            shape[0] = v.Shape[0];
            w = Tf.Reshape(w, shape);
        }

        Tensor weights = Tf.BroadcastTo(w, v.Shape);
        _total += Sum(v * weights);
        _count += Sum(weights);
    }

    /// <summary>Accumulates one value with weight <paramref name="weight"/>.</summary>
    public void UpdateState(double value, double weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>
    /// As a metric of targets and predictions, <see cref="Mean"/> averages <paramref name="yTrue"/> weighted by
    /// <paramref name="sampleWeight"/>; <paramref name="yPred"/> is ignored (use the two-argument form).
    /// </summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => UpdateState(yTrue, sampleWeight);

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState()
    {
        _total = 0;
        _count = 0;
    }
}
