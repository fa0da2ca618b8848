using System.Globalization;

namespace Nabla.Keras.Metrics;

/// <summary>
/// The root of the mean squared error over everything seen (Keras's <c>RootMeanSquaredError</c>):
/// <c>sqrt(Σ w · (yPred - yTrue)² / Σ w)</c>, the mean taken before the root (not a mean of per-batch roots).
/// </summary>
/// <param name="name">The metric's name.</param>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error") : Metric(name)
{
    private readonly Mean _mean = new(name);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _mean.UpdateState(Tf.Square(yPred - MeanMetricWrapper.Like(yTrue, yPred)), sampleWeight);
    }

    /// <inheritdoc/>
    public override double Result() => Math.Sqrt(_mean.Result());

    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();
}

/// <summary>
/// The coefficient of determination (Keras's <c>R2Score</c>) over everything seen, for (samples, outputs) data: per
/// output <c>1 - Σ w (y - ŷ)² / Σ w (y - ȳ)²</c> (an output with no variance scores 0), aggregated by
/// <see cref="ClassAggregation"/>; with <see cref="NumRegressors"/> p &gt; 0 the adjusted score
/// <c>1 - (1 - R²)(n - 1) / (n - p - 1)</c>, n counting every target value as Keras does.
/// </summary>
public sealed class R2Score : Metric
{
    private double[]? _sum;
    private double[]? _squaredSum;
    private double[]? _totalSquaredError;
    private double[]? _count;
    private long _values;

    /// <summary>Creates the metric.</summary>
    /// <param name="classAggregation"><c>"uniform_average"</c> (default: the mean of the outputs' scores) or
    /// <c>"variance_weighted_average"</c> (weighted by each output's variance).</param>
    /// <param name="numRegressors">The number of independent variables, for the adjusted score; 0 for the plain one.</param>
    /// <param name="name">The metric's name.</param>
    public R2Score(string classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(classAggregation);
        ClassAggregation = classAggregation is "uniform_average" or "variance_weighted_average" ? classAggregation
            : throw new ArgumentException(
                "R2Score: Invalid value for argument `class_aggregation`. Expected one of {'uniform_average', 'variance_weighted_average'}. " +
                $"Received: class_aggregation={classAggregation}.", nameof(classAggregation));
        NumRegressors = numRegressors >= 0 ? numRegressors
            : throw new ArgumentException(
                $"R2Score: Invalid value for argument `num_regressors`. Expected a value >= 0. Received: num_regressors={numRegressors}.", nameof(numRegressors));
    }

    /// <summary>How the outputs' scores are combined.</summary>
    public string ClassAggregation { get; }

    /// <summary>The number of independent variables of the adjusted score.</summary>
    public int NumRegressors { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Rank != 2 || yPred.Rank != 2 || yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException(
                $"R2Score {Name}: R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: y_pred.shape={yPred.Shape} " +
                $"and y_true.shape={yTrue.Shape}.", nameof(yTrue));
        }

        int rows = yTrue.Shape[0], outputs = yTrue.Shape[1];
        if (_sum is null)
        {
            (_sum, _squaredSum, _totalSquaredError, _count) = (new double[outputs], new double[outputs], new double[outputs], new double[outputs]);
        }
        else if (_sum.Length != outputs)
        {
            throw new ArgumentException($"R2Score {Name}: built for {_sum.Length} outputs, got shape {yTrue.Shape}.", nameof(yTrue));
        }

        double[] y = Tf.Cast(yTrue, DType.Float64).ToArray<double>(), p = Tf.Cast(yPred, DType.Float64).ToArray<double>();
        double[] w = Weights(sampleWeight, rows, outputs);
        for (int i = 0; i < y.Length; i++)
        {
            int o = i % outputs;
            _sum[o] += w[i] * y[i];
            _squaredSum![o] += w[i] * y[i] * y[i];
            _totalSquaredError![o] += w[i] * (y[i] - p[i]) * (y[i] - p[i]);
            _count![o] += w[i];
        }

        _values += y.Length;
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_sum is null)
        {
            return 0;
        }

        int outputs = _sum.Length;
        double scoreSum = 0, weightedSum = 0, varianceSum = 0;
        for (int o = 0; o < outputs; o++)
        {
            double mean = _sum[o] / _count![o], total = _squaredSum![o] - (_sum[o] * mean);
            double raw = 1 - (_totalSquaredError![o] / total);
            raw = double.IsInfinity(raw) ? 0 : raw;
            scoreSum += raw;
            weightedSum += total * raw;
            varianceSum += total;
        }

        double score = ClassAggregation == "uniform_average" ? scoreSum / outputs : weightedSum / varianceSum;
        if (NumRegressors == 0 || NumRegressors >= _values - 1)
        {
            // Keras falls back to the plain score (with a warning) when there are too few values to adjust by.
            return score;
        }

        return 1 - ((1 - score) * (_values - 1) / (_values - NumRegressors - 1.0));
    }

    /// <inheritdoc/>
    public override void ResetState()
    {
        _sum = _squaredSum = _totalSquaredError = _count = null;
        _values = 0;
    }

    /// <summary>Keras's weights: a scalar, one per sample (a features axis added) or one per value, broadcast to (rows, outputs).</summary>
    private double[] Weights(Tensor? sampleWeight, int rows, int outputs)
    {
        if (sampleWeight is null)
        {
            return [.. Enumerable.Repeat(1.0, rows * outputs)];
        }

        Tensor w = Tf.Cast(sampleWeight, DType.Float64);
        if (w.Rank == 1)
        {
            w = Tf.ExpandDims(w, 1);
        }

        bool broadcasts = w.Rank <= 2 && (w.Rank < 2 || w.Shape[0] is 1 || w.Shape[0] == rows) && (w.Rank < 1 || w.Shape[w.Rank - 1] is 1 || w.Shape[w.Rank - 1] == outputs);
        if (!broadcasts)
        {
            throw new ArgumentException(
                $"R2Score {Name}: sample_weight of shape {sampleWeight.Shape} does not broadcast to the targets' shape ({rows.ToString(CultureInfo.InvariantCulture)}, {outputs}).",
                nameof(sampleWeight));
        }

        return Tf.BroadcastTo(w, new Shape(rows, outputs)).ToArray<double>();
    }
}
