using System.Diagnostics.CodeAnalysis;

namespace Nabla.Keras.Losses;

/// <summary>How a loss combines its per-sample values (Keras's <c>reduction</c>).</summary>
public enum Reduction
{
    /// <summary>The mean over all per-sample values (Keras's default <c>"sum_over_batch_size"</c>).</summary>
    SumOverBatchSize,

    /// <summary>The sum of the per-sample values (<c>"sum"</c>).</summary>
    Sum,

    /// <summary>No reduction: the per-sample values (<c>"none"</c>).</summary>
    None,
}

/// <summary>
/// The base of Keras's losses (<c>tf.keras.losses.Loss</c>): <see cref="Compute"/> gives one value per sample
/// (averaged over the last axis), <see cref="Call"/> combines them by <see cref="Reduction"/>
/// (by default the mean over the batch, Keras's <c>sum_over_batch_size</c>).
/// </summary>
public abstract class Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="name">Its name (Keras's snake case: <c>mean_squared_error</c>).</param>
    /// <param name="reduction">How <see cref="Call"/> combines the per-sample values.</param>
    protected Loss(string name, Reduction reduction = Reduction.SumOverBatchSize)
    {
        Name = name;
        Reduction = reduction;
    }

    /// <summary>The loss's name.</summary>
    public string Name { get; }

    /// <summary>How <see cref="Call"/> combines the per-sample values.</summary>
    public Reduction Reduction { get; }

    /// <summary>
    /// The loss: <see cref="Compute"/>, weighted by <paramref name="sampleWeight"/>, reduced by <see cref="Reduction"/>
    /// (a scalar unless <see cref="Reduction.None"/>). As Keras, <see cref="Reduction.SumOverBatchSize"/> divides the
    /// weighted sum by the number of values, not by the sum of the weights.
    /// </summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions; their dtype is the loss's dtype (targets are cast to it).</param>
    /// <param name="sampleWeight">Optional weights: a scalar, one per sample, or the per-sample values' shape (a trailing
    /// axis of 1 is squeezed, as Keras's <c>squeeze_or_expand_to_same_rank</c>).</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name (loss.__call__).")]
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        (yTrue, yPred) = SqueezeOrExpandToSameRank(yTrue, yPred);
        Tensor values = Compute(yTrue, yPred);
        if (sampleWeight is not null)
        {
            values = Weighted(values, sampleWeight);
        }

        return Reduction switch
        {
            Reduction.None => values,
            Reduction.Sum => Tf.ReduceSum(values),
            _ => values.Size == 0 ? Tf.ReduceSum(values) : Tf.ReduceMean(values),
        };
    }

    /// <summary>
    /// The loss named <paramref name="name"/> with Keras's defaults: <c>mse</c>/<c>mean_squared_error</c>,
    /// <c>mae</c>/<c>mean_absolute_error</c>, <c>huber</c>, <c>binary_crossentropy</c>,
    /// <c>categorical_crossentropy</c>, <c>sparse_categorical_crossentropy</c>, <c>hinge</c>, <c>squared_hinge</c>,
    /// <c>categorical_hinge</c>, <c>kl_divergence</c>/<c>kld</c>, <c>poisson</c>, <c>cosine_similarity</c>,
    /// <c>log_cosh</c> (and the class names).
    /// </summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Loss Get(string name) => name switch
    {
        "mse" or "mean_squared_error" or "MeanSquaredError" => new MeanSquaredError(),
        "mae" or "mean_absolute_error" or "MeanAbsoluteError" => new MeanAbsoluteError(),
        "huber" or "huber_loss" or "Huber" => new Huber(),
        "binary_crossentropy" or "BinaryCrossentropy" => new BinaryCrossentropy(),
        "categorical_crossentropy" or "CategoricalCrossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" or "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(),
        "hinge" or "Hinge" => new Hinge(),
        "squared_hinge" or "SquaredHinge" => new SquaredHinge(),
        "categorical_hinge" or "CategoricalHinge" => new CategoricalHinge(),
        "kl_divergence" or "kld" or "KLD" or "kullback_leibler_divergence" or "KLDivergence" => new KLDivergence(),
        "poisson" or "Poisson" => new Poisson(),
        "cosine_similarity" or "CosineSimilarity" => new CosineSimilarity(),
        "log_cosh" or "logcosh" or "LogCosh" => new LogCosh(),
        _ => throw new ArgumentException($"Could not interpret loss identifier: '{name}'.", nameof(name)),
    };

    /// <summary>
    /// Keras's <c>squeeze_or_expand_to_same_rank</c>, applied to targets and predictions before every built-in loss
    /// and metric: when the ranks differ by one and the higher-rank side ends in an axis of 1, a rank-1 other side
    /// gains that axis (targets of shape (n) against predictions of shape (n, 1) become (n, 1)) and a higher-rank
    /// other side loses it from the first one. Anything else is left as it is (so the shapes are then checked, never
    /// broadcast to (n, n)).
    /// </summary>
    internal static (Tensor X1, Tensor X2) SqueezeOrExpandToSameRank(Tensor x1, Tensor x2)
    {
        if (x1.Rank == x2.Rank + 1 && x1.Shape[x1.Rank - 1] == 1)
        {
            return x2.Rank == 1 ? (x1, Tf.ExpandDims(x2, -1)) : (Tf.Squeeze(x1, [x1.Rank - 1]), x2);
        }

        if (x2.Rank == x1.Rank + 1 && x2.Shape[x2.Rank - 1] == 1)
        {
            return x1.Rank == 1 ? (Tf.ExpandDims(x1, -1), x2) : (x1, Tf.Squeeze(x2, [x2.Rank - 1]));
        }

        return (x1, x2);
    }

    /// <summary>values · sampleWeight after Keras's rank alignment (a trailing axis of 1 on either side is squeezed).</summary>
    private Tensor Weighted(Tensor values, Tensor sampleWeight)
    {
        Tensor w = Tf.Cast(sampleWeight, values.DType);
        if (w.Rank == values.Rank + 1 && w.Shape[w.Rank - 1] == 1)
        {
            w = Tf.Squeeze(w, [w.Rank - 1]);
        }
        else if (values.Rank == w.Rank + 1 && values.Shape[values.Rank - 1] == 1)
        {
            values = Tf.Squeeze(values, [values.Rank - 1]);
        }

        // NumPy broadcasting of the weights onto the values: trailing axes aligned, each weight axis 1 or equal.
        bool broadcasts = w.Rank <= values.Rank;
        for (int i = 1; broadcasts && i <= w.Rank; i++)
        {
            int wd = w.Shape[w.Rank - i], vd = values.Shape[values.Rank - i];
            broadcasts = wd == 1 || wd == vd;
        }

        if (!broadcasts)
        {
            throw new ArgumentException(
                $"{Name}: sample_weight of shape {sampleWeight.Shape} ({sampleWeight.DType}) does not broadcast to the per-sample losses of shape {values.Shape}.",
                nameof(sampleWeight));
        }

        return Tf.Multiply(values, w);
    }

    /// <summary>The loss named <paramref name="name"/> (see <see cref="Get"/>).</summary>
    /// <param name="name">A loss name.</param>
    public static Loss FromString(string name) => Get(name);

    /// <summary>Looks a loss up by name (<see cref="Get"/>), so <c>Compile(new Adam(), "mse")</c> works as Keras's <c>compile(loss="mse")</c>.</summary>
    /// <param name="name">A loss name.</param>
    public static implicit operator Loss(string name) => Get(name);

    /// <summary>The per-sample losses, shape of <paramref name="yPred"/> without its last axis.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    public abstract Tensor Compute(Tensor yTrue, Tensor yPred);

    /// <summary>Casts <paramref name="yTrue"/> to <paramref name="yPred"/>'s dtype and checks the shapes match.</summary>
    protected Tensor Prepare(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException(
                $"{Name}: yTrue shape {yTrue.Shape} ({yTrue.DType}) and yPred shape {yPred.Shape} ({yPred.DType}) must be equal.");
        }

        return yTrue.DType == yPred.DType ? yTrue : Tf.Cast(yTrue, yPred.DType);
    }

    /// <summary>Clips to [low, high]; the gradient is zero outside, as <c>tf.clip_by_value</c>.</summary>
    protected static Tensor Clip(Tensor x, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Tf.Where(x < low, Tf.ZerosLike(x) + low, Tf.Where(x > high, Tf.ZerosLike(x) + high, x));
    }

    /// <summary>The mean over the last axis (a scalar input stays as it is).</summary>
    protected static Tensor MeanLastAxis(Tensor x) => x.Rank == 0 ? x : Tf.ReduceMean(x, -1);
}

/// <summary>
/// A loss made from a function of (targets, predictions) returning one value per sample (Keras's
/// <c>LossFunctionWrapper</c>): what <c>Compile</c> makes of a loss given as a function, as Keras's
/// <c>compile(loss=my_loss)</c>. A function returning more axes is averaged over its last one, as Keras's built-in losses.
/// </summary>
public sealed class LossFunctionWrapper : Loss
{
    private readonly Func<Tensor, Tensor, Tensor> _function;

    /// <summary>Wraps <paramref name="function"/>.</summary>
    /// <param name="function">The loss of (yTrue, yPred): a value per sample, or a scalar.</param>
    /// <param name="name">The loss's name.</param>
    /// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
    public LossFunctionWrapper(Func<Tensor, Tensor, Tensor> function, string name = "loss", Reduction reduction = Reduction.SumOverBatchSize)
        : base(name, reduction)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
    }

    /// <summary>
    /// The function's value; floating targets are first cast to the predictions' dtype, as Keras's <c>Loss.__call__</c>
    /// converts them (so float64 targets from C# doubles meet float32 predictions); integer labels pass unchanged.
    /// </summary>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        bool cast = yTrue.DType.IsFloating && yPred.DType.IsFloating && yTrue.DType != yPred.DType;
        return _function(cast ? Tf.Cast(yTrue, yPred.DType) : yTrue, yPred);
    }
}

/// <summary>Mean squared error: <c>mean((yTrue - yPred)²)</c> over the last axis.</summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class MeanSquaredError(Reduction reduction = Reduction.SumOverBatchSize) : Loss("mean_squared_error", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) => MeanLastAxis(Tf.Square(yPred - Prepare(yTrue, yPred)));
}

/// <summary>Mean absolute error: <c>mean(|yTrue - yPred|)</c> over the last axis.</summary>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class MeanAbsoluteError(Reduction reduction = Reduction.SumOverBatchSize) : Loss("mean_absolute_error", reduction)
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) => MeanLastAxis(Tf.Abs(yPred - Prepare(yTrue, yPred)));
}

/// <summary>
/// Huber loss (Keras's <c>Huber</c>): with <c>e = |yPred - yTrue|</c>, <c>½e²</c> where <c>e ≤ δ</c> and
/// <c>δ·e - ½δ²</c> beyond, averaged over the last axis.
/// </summary>
/// <param name="delta">Where the loss turns from quadratic to linear.</param>
/// <param name="reduction">How <see cref="Loss.Call"/> combines the per-sample values.</param>
public sealed class Huber(double delta = 1.0, Reduction reduction = Reduction.SumOverBatchSize) : Loss("huber_loss", reduction)
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; } = delta;

    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        Tensor error = Tf.Abs(yPred - Prepare(yTrue, yPred));
        Tensor quadratic = Tf.Minimum(error, Delta);
        Tensor linear = error - quadratic;
        return MeanLastAxis((Tf.Square(quadratic) * 0.5) + (linear * Delta));
    }
}
