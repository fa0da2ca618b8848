namespace Nabla.Keras.Metrics;

/// <summary>
/// A metric that averages a per-sample function of targets and predictions over every sample seen (Keras's
/// <c>MeanMetricWrapper</c>, the base of the accuracy and error metrics).
/// </summary>
public class MeanMetricWrapper : Metric
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;
    private readonly Mean _mean;

    /// <summary>Creates the metric.</summary>
    /// <param name="fn">Per-sample values from (yTrue, yPred).</param>
    /// <param name="name">The metric's name.</param>
    public MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
        _mean = new Mean(name);
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        // Keras's metric functions align the ranks first: (n) targets against (n, 1) predictions compare per sample.
        (yTrue, yPred) = Losses.Loss.SqueezeOrExpandToSameRank(yTrue, yPred);
        _mean.UpdateState(_fn(yTrue, yPred), sampleWeight);
    }

    /// <inheritdoc/>
    public override double Result() => _mean.Result();

    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();

    /// <summary>Casts <paramref name="yTrue"/> to <paramref name="yPred"/>'s dtype.</summary>
    internal static Tensor Like(Tensor yTrue, Tensor yPred) => yTrue.DType == yPred.DType ? yTrue : Tf.Cast(yTrue, yPred.DType);

    /// <summary>1 where equal, else 0, as float32.</summary>
    internal static Tensor Matches(Tensor a, Tensor b) => Tf.Cast(Tf.Equal(a, b), DType.Float32);

    /// <summary>The mean over the last axis (a scalar stays as it is).</summary>
    internal static Tensor MeanLastAxis(Tensor x) => x.Rank == 0 ? x : Tf.ReduceMean(x, -1);

    /// <summary>The arg max over the last axis (int64).</summary>
    internal static Tensor ArgMaxLast(Tensor x)
    {
        if (x.Rank < 1)
        {
            throw new ArgumentException($"Accuracy: predictions need a class axis, got shape {x.Shape} ({x.DType}).", nameof(x));
        }

        return Tf.ArgMax(x, x.Rank - 1);
    }
}

/// <summary>The fraction of elements where predictions equal targets exactly (Keras's <c>Accuracy</c>).</summary>
/// <param name="name">The metric's name.</param>
public sealed class Accuracy(string name = "accuracy")
    : MeanMetricWrapper(static (t, p) => Matches(Like(t, p), p), name);

/// <summary>
/// The fraction of binary predictions right (Keras's <c>BinaryAccuracy</c>): a prediction above
/// <see cref="Threshold"/> counts as 1; averaged over the last axis, then over samples.
/// </summary>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="threshold">The decision threshold.</param>
    public BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5)
        : base((t, p) => MeanLastAxis(Matches(Like(t, p), Tf.Cast(p > threshold, p.DType))), name)
    {
        Threshold = threshold;
    }

    /// <summary>The decision threshold.</summary>
    public double Threshold { get; }
}

/// <summary>The fraction of samples whose predicted class (arg max) is the one-hot target's (Keras's <c>CategoricalAccuracy</c>).</summary>
/// <param name="name">The metric's name.</param>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy")
    : MeanMetricWrapper(static (t, p) => Matches(ArgMaxLast(t), ArgMaxLast(p)), name);

/// <summary>
/// The fraction of samples whose predicted class (arg max) is the integer target, targets of shape (batch,) or
/// (batch, 1) (Keras's <c>SparseCategoricalAccuracy</c>).
/// </summary>
/// <param name="name">The metric's name.</param>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy")
    : MeanMetricWrapper(Compute, name)
{
    private static Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor labels = yTrue;
        if (labels.Rank == yPred.Rank && labels.Rank > 0 && labels.Shape[labels.Rank - 1] == 1)
        {
            labels = Tf.Squeeze(labels, [labels.Rank - 1]);
        }

        return Matches(Tf.Cast(labels, DType.Int64), ArgMaxLast(yPred));
    }
}

/// <summary>The mean squared error over the last axis, averaged over samples (Keras's metric <c>MeanSquaredError</c>).</summary>
/// <param name="name">The metric's name.</param>
public sealed class MeanSquaredError(string name = "mean_squared_error")
    : MeanMetricWrapper(static (t, p) => MeanLastAxis(Tf.Square(p - Like(t, p))), name);

/// <summary>The mean absolute error over the last axis, averaged over samples (Keras's metric <c>MeanAbsoluteError</c>).</summary>
/// <param name="name">The metric's name.</param>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error")
    : MeanMetricWrapper(static (t, p) => MeanLastAxis(Tf.Abs(p - Like(t, p))), name);

/// <summary>
/// Keras's <c>"accuracy"</c> in <c>compile</c>: binary accuracy when predictions have one column, sparse
/// categorical when targets have one fewer axis (or a last axis of 1), otherwise categorical; chosen on the first batch.
/// </summary>
internal sealed class AutoAccuracy(string name) : Metric(name)
{
    private Metric? _inner;

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _inner ??= Choose(yTrue, yPred);
        _inner.UpdateState(yTrue, yPred, sampleWeight);
    }

    public override double Result() => _inner?.Result() ?? 0;

    public override void ResetState() => _inner?.ResetState();

    private Metric Choose(Tensor yTrue, Tensor yPred)
    {
        bool binary = yPred.Rank == 0 || yPred.Shape[yPred.Rank - 1] == 1;
        bool sparse = yTrue.Rank < yPred.Rank || (yTrue.Rank > 0 && yTrue.Shape[yTrue.Rank - 1] == 1);
        return binary ? new BinaryAccuracy(Name) : sparse ? new SparseCategoricalAccuracy(Name) : new CategoricalAccuracy(Name);
    }
}
