using Nabla.Keras.Losses;
using Nabla.Keras.Metrics;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras;

/// <summary>
/// Training a model of several outputs (Keras's compile with a list or dictionary of losses): one loss per output,
/// weighted by <c>lossWeights</c> and summed into the loss that is minimized; each output's loss and metrics are
/// logged under the output's name (<c>dense_1_loss</c>, <c>dense_1_accuracy</c>), after the total <c>loss</c>.
/// </summary>
public partial class Model
{
    // One loss per output (a null entry: that output is not trained) and their weights; null when compiled with one
    // loss for a model of one output.
    private Loss?[]? _outputLosses;
    private double[]? _lossWeights;

    /// <summary>
    /// Compiles a model of several outputs with one loss per output, in <see cref="OutputNames"/>' order (Keras's
    /// <c>compile(loss=[...], loss_weights=[...])</c>). The minimized loss is Σ weight·loss of each output plus the
    /// regularization penalties; each output's loss is logged as <c>{output}_loss</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">One loss per output.</param>
    /// <param name="metrics">
    /// Metric names (or objects, for a model of one output) applied to every output, or one list per output
    /// (<c>[new object[] { "accuracy" }, new object[] { "mae" }]</c>); logged as <c>{output}_{metric}</c>.
    /// </param>
    /// <param name="lossWeights">The weight of each output's loss; 1 each by default.</param>
    /// <param name="runEagerly">Whether steps run eagerly instead of as traced graphs (see <see cref="RunEagerly"/>).</param>
    /// <exception cref="ArgumentException">When the counts do not match the outputs, or a metric is unknown.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> loss, IEnumerable<object>? metrics = null, IReadOnlyList<double>? lossWeights = null,
        bool runEagerly = false)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CompileOutputs(optimizer, [.. loss], metrics, lossWeights is null ? null : [.. lossWeights], runEagerly);
    }

    /// <summary>
    /// Compiles a model of several outputs with losses (and weights) by output name (Keras's
    /// <c>compile(loss={"out_a": ..., "out_b": ...})</c>); an output without a loss is not trained.
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">The loss of each output, by its name (<see cref="OutputNames"/>).</param>
    /// <param name="metrics">Metric names applied to every output, or one list per output.</param>
    /// <param name="lossWeights">The weight of each output's loss, by name; 1 for those not given.</param>
    /// <param name="runEagerly">Whether steps run eagerly instead of as traced graphs (see <see cref="RunEagerly"/>).</param>
    /// <exception cref="ArgumentException">When a name is not an output's name.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyDictionary<string, Loss> loss, IEnumerable<object>? metrics = null,
        IReadOnlyDictionary<string, double>? lossWeights = null, bool runEagerly = false)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckOutputNames(loss.Keys, "loss");
        CheckOutputNames(lossWeights?.Keys ?? [], "lossWeights");
        Loss?[] losses = [.. OutputNames.Select(n => loss.TryGetValue(n, out Loss? l) ? l : null)];
        double[] weights = [.. OutputNames.Select(n => lossWeights is not null && lossWeights.TryGetValue(n, out double w) ? w : 1)];
        CompileOutputs(optimizer, losses, metrics, weights, runEagerly);
    }

    // How many outputs the model has: a functional model's, or one.
    private int OutputCount => Math.Max(1, OutputNames.Count);

    // Whether (x, y) and the compiled losses take the single-tensor steps (TrainStep, one loss, plain metric names).
    private bool IsSingleStructure(Tensor[] x, Tensor[] y) => x.Length == 1 && y.Length == 1 && _outputLosses is null;

    private void CompileOutputs(Optimizer optimizer, Loss?[] losses, IEnumerable<object>? metrics, double[]? weights, bool runEagerly)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        int n = OutputCount;
        if (losses.Length != n || (weights is not null && weights.Length != n))
        {
            throw new ArgumentException(
                $"Compile: model {Name} has {n} output(s) ({string.Join(", ", OutputNames)}), but {losses.Length} losses and " +
                $"{weights?.Length ?? n} loss weights were given: give one of each per output.");
        }

        Loss first = losses.FirstOrDefault(l => l is not null)
            ?? throw new ArgumentException($"Compile: model {Name} needs a loss for at least one output.", nameof(losses));
        var compiled = new List<Metric>();
        if (n > 1)
        {
            for (int i = 0; i < n; i++)
            {
                if (losses[i] is not null)
                {
                    compiled.Add(new OutputLoss(i, OutputNames[i]));
                }
            }
        }

        compiled.AddRange(OutputMetrics(metrics, n));
        var names = new HashSet<string>(StringComparer.Ordinal) { "loss" };
        foreach (Metric m in compiled)
        {
            if (!names.Add(m.Name))
            {
                throw new ArgumentException($"Compile: two metrics are named '{m.Name}'; metric names must be unique.", nameof(metrics));
            }
        }

        Optimizer = optimizer;
        Loss = first;
        _outputLosses = losses;
        _lossWeights = weights ?? [.. Enumerable.Repeat(1.0, n)];
        _compiledMetrics.Clear();
        _compiledMetrics.AddRange(compiled);
        RunEagerly = runEagerly;
        ResetTracedSteps();
    }

    // Keras's metrics for several outputs: a flat list applies to every output (a name makes one metric per output),
    // a list of lists gives each output its own.
    private List<Metric> OutputMetrics(IEnumerable<object>? metrics, int n)
    {
        object[] items = [.. metrics ?? []];
        bool perOutput = items.Length > 0 && items.All(m => m is System.Collections.IEnumerable and not string);
        if (perOutput && items.Length != n)
        {
            throw new ArgumentException($"Compile: {items.Length} lists of metrics were given for the {n} outputs of model {Name}; give one list per output.");
        }

        var result = new List<Metric>();
        for (int output = 0; output < n; output++)
        {
            IEnumerable<object> forOutput = perOutput ? ((System.Collections.IEnumerable)items[output]).Cast<object>() : items;
            foreach (object item in forOutput)
            {
                Metric metric = item switch
                {
                    string name => Metric.Get(name),
                    Metric m when n == 1 || perOutput => m,
                    Metric m => throw new ArgumentException(
                        $"Compile: the metric object '{m.Name}' cannot serve all {n} outputs of model {Name}: give metric names, or one list per output."),
                    _ => throw new ArgumentException(
                        $"Compile: a metric must be a Metric or a metric name, got {item?.GetType().Name ?? "null"}.", nameof(metrics)),
                };
                result.Add(n == 1 ? metric : new OutputMetric(output, OutputNames[output], metric));
            }
        }

        return result;
    }

    private void CheckOutputNames(IEnumerable<string> keys, string what)
    {
        foreach (string key in keys)
        {
            if (!OutputNames.Contains(key))
            {
                throw new ArgumentException(
                    $"Compile: unknown entry in {what} dictionary: '{key}'. Only expected the following keys: [{string.Join(", ", OutputNames.Select(o => $"'{o}'"))}].");
            }
        }
    }

    // The loss of a batch of several inputs or outputs: each output's loss (a scalar, weighted per sample by
    // sampleWeight when given, the same weights for every output as Keras), their weighted sum plus the regularization
    // penalties, and the predictions.
    private (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) OutputsLoss(Tensor[] x, Tensor[] y, Tensor? sampleWeight, bool training)
    {
        Tensor[] predictions = ApplyOutputs(x, training);
        if (predictions.Length != y.Length)
        {
            throw new ArgumentException(
                $"Model {Name} has {predictions.Length} output(s) ({string.Join(", ", OutputNames)}), but {y.Length} target tensors were given.");
        }

        Loss?[] losses = _outputLosses ?? [Loss];
        var perOutput = new Tensor?[predictions.Length];
        Tensor? total = null;
        for (int i = 0; i < perOutput.Length; i++)
        {
            if (losses[i] is not { } loss)
            {
                continue;
            }

            Tensor value = loss.Call(y[i], predictions[i], sampleWeight);
            perOutput[i] = value.Rank > 0 ? Tf.ReduceMean(value) : value;
            Tensor weighted = _lossWeights is { } w && w[i] != 1 ? Tf.Multiply(perOutput[i]!, w[i]) : perOutput[i]!;
            total = total is null ? weighted : Tf.Add(total, weighted);
        }

        return (AddRegularizationLosses(total!), perOutput, predictions);
    }

    // One gradient step on a batch of several inputs or outputs, or with sample weights (Keras's train_step on
    // structures); a batch of one tensor each without weights takes TrainStep, which a subclass may override.
    // Returns the batch's loss, penalties included.
    private double TrainStepOn(Tensor[] x, Tensor[] y, Tensor? sampleWeight = null)
    {
        if (IsSingleStructure(x, y) && sampleWeight is null)
        {
            return TrainStep(x[0], y[0]);
        }

        (Optimizer optimizer, _) = RequireCompiled("training");
        return UpdateOutputMetrics(RunTrainStepOn(x, y, sampleWeight, optimizer), y, x[0].Shape[0]);
    }

    // Accumulates a step's losses and predictions into the loss tracker and compiled metrics; returns the total loss.
    private double UpdateOutputMetrics((Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) step, Tensor[] y, int count)
    {
        double total = ToDouble(step.Total);
        _lossTracker.UpdateState(total, count);
        foreach (Metric m in _compiledMetrics)
        {
            switch (m)
            {
                case OutputLoss loss:
                    loss.UpdateState(ToDouble(step.PerOutput[loss.Output]!), count);
                    break;
                case OutputMetric metric:
                    metric.UpdateState(y[metric.Output], step.Predictions[metric.Output]);
                    break;
                default:
                    m.UpdateState(y[0], step.Predictions[0]);
                    break;
            }
        }

        return total;
    }
}
