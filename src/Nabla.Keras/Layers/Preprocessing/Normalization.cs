using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Feature-wise normalization (Keras's preprocessing <c>Normalization</c>): <c>(x - mean) / max(sqrt(variance), ε)</c>
/// with ε = 1e-7, or with <see cref="Invert"/> <c>mean + x · max(sqrt(variance), ε)</c>. <see cref="Axis"/> lists
/// the axes that keep their own statistics (the last by default; none for one mean and variance over everything);
/// the others are reduced. The statistics are either given at construction or learned by <see cref="Adapt(Tensor)"/>,
/// which stores them in Keras 3's non-trainable weights <c>mean</c>, <c>variance</c> (and the legacy <c>count</c>, left
/// at 0 as Keras 3 does).
/// </summary>
public class Normalization : Layer
{
    /// <summary>Keras's <c>backend.epsilon()</c>: the smallest standard deviation divided by.</summary>
    public const double Epsilon = 1e-7;

    private readonly int[] _axis;
    private readonly Tensor? _inputMean;
    private readonly Tensor? _inputVariance;
    private int[]? _keepAxis;
    private int[]? _reduceAxis;
    private int[]? _broadcastShape;
    private Shape? _buildShape;
    private Variable? _adaptMean;
    private Variable? _adaptVariance;
    private Variable? _count;
    private Tensor? _mean;
    private Tensor? _variance;

    /// <summary>Creates the layer with statistics per position along one axis (or one overall).</summary>
    /// <param name="axis">The axis with its own statistics (-1: the features); null for one mean and variance over all values.</param>
    /// <param name="mean">The mean to use instead of adapting (a scalar, or one per kept position); with <paramref name="variance"/>.</param>
    /// <param name="variance">The variance to use instead of adapting; with <paramref name="mean"/>.</param>
    /// <param name="invert">Whether to undo the normalization (<c>mean + x · std</c>) instead.</param>
    /// <param name="name">The layer's name; <c>normalization</c>... by default.</param>
    /// <param name="dtype">The dtype of the statistics and the outputs; float32 by default.</param>
    public Normalization(int? axis = -1, Tensor? mean = null, Tensor? variance = null, bool invert = false, string? name = null, DType? dtype = null)
        : this(axis is { } a ? [a] : [], mean, variance, invert, name, dtype)
    {
    }

    /// <summary>Creates the layer with statistics per position along several axes.</summary>
    /// <param name="axes">The axes with their own statistics; empty for one mean and variance over all values.</param>
    /// <param name="mean">The mean to use instead of adapting; with <paramref name="variance"/>.</param>
    /// <param name="variance">The variance to use instead of adapting; with <paramref name="mean"/>.</param>
    /// <param name="invert">Whether to undo the normalization instead.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the statistics and the outputs; float32 by default.</param>
    public Normalization(int[] axes, Tensor? mean = null, Tensor? variance = null, bool invert = false, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        ArgumentNullException.ThrowIfNull(axes);
        _axis = (int[])axes.Clone();
        if ((mean is null) != (variance is null))
        {
            throw new ArgumentException(
                $"Normalization: When setting values directly, both `mean` and `variance` must be set. Received: mean={mean?.ToString() ?? "None"} " +
                $"and variance={variance?.ToString() ?? "None"}.", mean is null ? nameof(mean) : nameof(variance));
        }

        if (mean is not null && mean.Shape != variance!.Shape)
        {
            throw new ArgumentException(
                $"Normalization: When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape {mean.Shape} " +
                $"and variance shape {variance.Shape}.", nameof(variance));
        }

        if (mean is not null && mean.Rank > _axis.Length)
        {
            throw new ArgumentException(
                $"Normalization: The rank of `mean` must be less than or equal to the number of axes ({_axis.Length}). Received: mean shape {mean.Shape} " +
                $"for axis {ConvUtils.Format(_axis)}.", nameof(mean));
        }

        _inputMean = mean;
        _inputVariance = variance;
        Invert = invert;
    }

    /// <summary>The axes with their own statistics, as given.</summary>
    public IReadOnlyList<int> Axis => _axis;

    /// <summary>Whether the layer undoes the normalization.</summary>
    public bool Invert { get; }

    /// <summary>The mean in the inputs' broadcast shape (kept axes full, reduced axes 1); null before build.</summary>
    public Tensor? Mean => _adaptMean is { } m ? Tf.Reshape(m.ReadValue(), _broadcastShape!) : _mean;

    /// <summary>The variance in the inputs' broadcast shape; null before build.</summary>
    public Tensor? Variance => _adaptVariance is { } v ? Tf.Reshape(v.ReadValue(), _broadcastShape!) : _variance;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        int ndim = inputShape.Rank;
        if (Array.Exists(_axis, a => a < -ndim || a >= ndim))
        {
            throw new ArgumentException(
                $"Normalization {Name}: All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={ndim}, while axis={ConvUtils.Format(_axis)}.",
                nameof(inputShape));
        }

        _buildShape = inputShape;
        _keepAxis = [.. _axis.Select(a => a < 0 ? a + ndim : a).Distinct().Order()];
        _reduceAxis = [.. Enumerable.Range(0, ndim).Where(d => Array.IndexOf(_keepAxis, d) < 0)];
        _broadcastShape = [.. Enumerable.Range(0, ndim).Select(d => Array.IndexOf(_keepAxis, d) >= 0 ? inputShape[d] : 1)];
        var statsShape = new Shape([.. _keepAxis.Select(d => inputShape[d])]);
        if (_inputMean is null)
        {
            _adaptMean = AddWeight("mean", statsShape, new Zeros(), trainable: false);
            _adaptVariance = AddWeight("variance", statsShape, new Ones(), trainable: false);
            _count = AddWeight("count", new Shape(), new Zeros(), trainable: false, dtype: DType.Int64);
            return;
        }

        _mean = Broadcast(_inputMean);
        _variance = Broadcast(_inputVariance!);
    }

    /// <summary>Learns the mean and (biased) variance of <paramref name="data"/> over the reduced axes, as Keras's <c>adapt</c> on an array.</summary>
    /// <param name="data">The whole data set, batch axis first.</param>
    /// <exception cref="ArgumentException">When the kept axes do not match the shape the layer was built with.</exception>
    /// <exception cref="InvalidOperationException">When the layer was given its mean and variance.</exception>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        PrepareAdapt(data.Shape, "adapt() is being called with data with an incompatible shape, data.shape=");
        Tensor wide = Tf.Cast(data, DType.Float64);
        Store(Tf.ReduceMean(wide, _reduceAxis!), Tf.ReduceVariance(wide, _reduceAxis!));
    }

    /// <summary>
    /// Learns the statistics from batches (a <c>Dataset</c> or any sequence of tensors), merging each batch's mean and
    /// variance into the running ones with Keras's lack-of-fit formula, so the result equals adapting the concatenation.
    /// </summary>
    /// <param name="batches">The batches, batch axis first.</param>
    /// <exception cref="ArgumentException">When there is no batch or a batch's kept axes do not match.</exception>
    public void Adapt(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        Tensor? totalMean = null, totalVariance = null;
        long totalCount = 0;
        foreach (Tensor batch in batches)
        {
            ArgumentNullException.ThrowIfNull(batch, nameof(batches));
            PrepareAdapt(batch.Shape, "adapt() yielded a batch with an incompatible shape, batch shape ");
            Tensor wide = Tf.Cast(batch, DType.Float64);
            Tensor batchMean = Tf.ReduceMean(wide, _reduceAxis!), batchVariance = Tf.ReduceVariance(wide, _reduceAxis!);
            long batchCount = 1;
            foreach (int d in _reduceAxis!)
            {
                batchCount *= batch.Shape[d];
            }

            totalCount += batchCount;
            double batchWeight = (double)batchCount / totalCount, existingWeight = 1 - batchWeight;
            totalMean ??= Tf.ZerosLike(batchMean);
            totalVariance ??= Tf.ZerosLike(batchVariance);
            Tensor newMean = (totalMean * existingWeight) + (batchMean * batchWeight);
            totalVariance = ((totalVariance + Tf.Square(totalMean - newMean)) * existingWeight)
                + ((batchVariance + Tf.Square(batchMean - newMean)) * batchWeight);
            totalMean = newMean;
        }

        if (totalMean is null)
        {
            throw new ArgumentException(
                $"Normalization {Name}: adapt() received an empty iterable (no batches). Expected at least one batch.", nameof(batches));
        }

        Store(totalMean, totalVariance!);
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor mean = Mean ?? throw new InvalidOperationException($"Normalization {Name}: You must call `.build(input_shape)` on the layer before using it.");
        Tensor variance = Variance!;
        if (inputs.Rank != _broadcastShape!.Length || _keepAxis!.Any(d => inputs.Shape[d] != _broadcastShape[d]))
        {
            throw new ArgumentException(
                $"Normalization {Name}: expected inputs of rank {_broadcastShape.Length} with kept axes {ConvUtils.Format(_keepAxis!)} as in " +
                $"{_buildShape}, got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        Tensor x = inputs.DType == DType ? inputs : Tf.Cast(inputs, DType);
        Tensor std = Tf.Maximum(Tf.Sqrt(variance), Epsilon);
        return Invert ? Tf.Add(mean, Tf.Multiply(x, std)) : Tf.Divide(Tf.Subtract(x, mean), std);
    }

    /// <summary>Builds from the first data seen; afterwards checks that the kept axes still match.</summary>
    private void PrepareAdapt(Shape shape, string incompatible)
    {
        if (_inputMean is not null)
        {
            throw new InvalidOperationException($"Normalization {Name}: the mean and variance were given at construction; adapt() would replace nothing.");
        }

        if (!Built)
        {
            EnsureBuilt(shape);
            return;
        }

        if (shape.Rank != _buildShape!.Value.Rank || _keepAxis!.Any(d => shape[d] != _buildShape.Value[d]))
        {
            throw new ArgumentException(
                $"Normalization {Name}: The layer was built with input_shape={_buildShape}, but {incompatible}{shape}.", nameof(shape));
        }
    }

    private void Store(Tensor mean, Tensor variance)
    {
        _adaptMean!.Assign(Tf.Cast(mean, DType));
        _adaptVariance!.Assign(Tf.Cast(variance, DType));
    }

    /// <summary>Keras's alignment of a given mean or variance: its axes match the kept axes from the right; then broadcast.</summary>
    private Tensor Broadcast(Tensor value)
    {
        Tensor v = Tf.Cast(value, DType);
        int ndim = _broadcastShape!.Length;
        if (v.Rank > 0)
        {
            int[] expanded = [.. Enumerable.Repeat(1, ndim)];
            for (int i = 1; i <= v.Rank; i++)
            {
                expanded[_keepAxis![^i]] = v.Shape[v.Rank - i];
            }

            v = Tf.Reshape(v, expanded);
        }

        try
        {
            return Tf.BroadcastTo(v, new Shape(_broadcastShape));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Normalization {Name}: the given mean/variance of shape {value.Shape} do not broadcast to the kept axes of the input shape " +
                $"{_buildShape} (axis {ConvUtils.Format(_axis)}).", e);
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axis"] = KerasConfig.Ints(_axis);
        config["invert"] = Invert;
        config["mean"] = KerasConfig.NestedList(_inputMean);
        config["variance"] = KerasConfig.NestedList(_inputVariance);
        return config;
    }
}
