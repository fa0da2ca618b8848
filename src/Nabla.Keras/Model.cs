using Nabla.Keras.Distribute;
using Nabla.Keras.Losses;
using Nabla.Keras.Metrics;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras;

/// <summary>
/// A layer that trains (Keras's <c>Model</c>): subclass and override <see cref="Layer.Call(Tensor, bool)"/>, or use <see cref="Sequential"/>.
/// <c>Compile</c> sets the optimizer, loss and metrics; <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> trains; <see cref="Evaluate(Tensor, Tensor, int, int, bool, TextWriter?, CancellationToken)"/>,
/// <see cref="Predict(Tensor, int, CancellationToken)"/> and <see cref="TrainOnBatch(Tensor, Tensor, bool)"/> work batch by batch.
/// </summary>
public partial class Model : Layer
{
    private readonly Mean _lossTracker = new("loss");
    private readonly List<Metric> _compiledMetrics = [];

    /// <summary>Creates the model.</summary>
    /// <param name="name">Its name; made from the class name by default.</param>
    protected Model(string? name = null)
        : base(name)
    {
    }

    /// <summary>
    /// The distribution strategy whose scope was entered when the model was created (Keras's <c>distribute_strategy</c>),
    /// or <c>null</c>: <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/>, <see cref="Evaluate(Tensor, Tensor, int, int, bool, TextWriter?, CancellationToken)"/> and <see cref="Predict(Tensor, int, CancellationToken)"/> run under it.
    /// </summary>
    public IDistributionStrategy? DistributeStrategy { get; } = Distribution.Current;

    /// <summary>The optimizer set by <c>Compile</c>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss set by <c>Compile</c>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The metrics tracked during training and evaluation: the loss's mean, then the compiled metrics (Keras's <c>model.metrics</c>).</summary>
    public IReadOnlyList<Metric> Metrics => [_lossTracker, .. _compiledMetrics];

    /// <summary>Set to <c>true</c> (by a callback) to stop <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> after the current batch (Keras's <c>stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The <see cref="Nabla.Keras.History"/> of the last <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> (Keras's <c>model.history</c>).</summary>
    public History? History { get; private set; }

    /// <summary>The epoch <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> resumes at, set by a callback's <c>OnTrainBegin</c> (<see cref="Callbacks.BackupAndRestore"/>).</summary>
    internal int? ResumeEpoch { get; set; }

    /// <summary>Where the current <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> prints (for callbacks' messages); <c>null</c> when silent.</summary>
    internal TextWriter? ProgressWriter { get; private set; }

    /// <summary>
    /// Sets the optimizer, loss and metrics used by <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> and <see cref="Evaluate(Tensor, Tensor, int, int, bool, TextWriter?, CancellationToken)"/> (Keras's <c>compile</c>).
    /// Names and objects mix as in Keras: a string converts to an optimizer or a loss by name, so
    /// <c>Compile(optimizer: "adam", loss: lossObject, metrics: ["accuracy"])</c> works.
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name (<c>"adam"</c>).</param>
    /// <param name="loss">The loss, or its name (<c>"sparse_categorical_crossentropy"</c>).</param>
    /// <param name="metrics">
    /// <see cref="Metric"/> objects or names (<c>"accuracy"</c>, <c>"mse"</c>, <c>"mae"</c>...: see <see cref="Metric.Get"/>).
    /// </param>
    /// <param name="runEagerly">Whether steps run eagerly instead of as traced graphs (see <see cref="RunEagerly"/>).</param>
    /// <exception cref="ArgumentException">When a metric is neither a <see cref="Metric"/> nor a known name, or two share a name.</exception>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<object>? metrics = null, bool runEagerly = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (OutputCount > 1)
        {
            // One loss for every output of a functional model, and each metric per output, as Keras.
            CompileOutputs(optimizer, [.. Enumerable.Repeat(loss, OutputCount)], metrics, null, runEagerly);
            return;
        }

        var compiled = new List<Metric>();
        var names = new HashSet<string>(StringComparer.Ordinal) { "loss" };
        foreach (object item in metrics ?? [])
        {
            Metric metric = item switch
            {
                Metric m => m,
                string name => Metric.Get(name),
                _ => throw new ArgumentException(
                    $"Compile: a metric must be a Metric or a metric name, got {item?.GetType().Name ?? "null"}.", nameof(metrics)),
            };
            if (!names.Add(metric.Name))
            {
                throw new ArgumentException($"Compile: two metrics are named '{metric.Name}'; metric names must be unique.", nameof(metrics));
            }

            compiled.Add(metric);
        }

        Optimizer = optimizer;
        Loss = loss;
        _outputLosses = null;
        _lossWeights = null;
        _compiledMetrics.Clear();
        _compiledMetrics.AddRange(compiled);
        RunEagerly = runEagerly;
        ResetTracedSteps();
    }

    /// <summary>
    /// Compiles with a loss given as a function of (targets, predictions), as Keras's <c>compile(loss=my_loss)</c>; an
    /// optimizer may be named (<c>"adam"</c>), as in every <c>Compile</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name.</param>
    /// <param name="loss">The loss of (yTrue, yPred): a value per sample or a scalar (see <see cref="LossFunctionWrapper"/>).</param>
    /// <param name="metrics"><see cref="Metric"/> objects or names.</param>
    /// <param name="runEagerly">Whether steps run eagerly instead of as traced graphs (see <see cref="RunEagerly"/>).</param>
    public void Compile(Optimizer optimizer, Func<Tensor, Tensor, Tensor> loss, IEnumerable<object>? metrics = null, bool runEagerly = false) =>
        Compile(optimizer, new LossFunctionWrapper(loss ?? throw new ArgumentNullException(nameof(loss))), metrics, runEagerly);

    /// <summary>Compiles with an optimizer and a loss given by name (<c>"adam"</c>, <c>"mse"</c>), as Keras's <c>compile(optimizer="adam", loss="mse")</c>.</summary>
    /// <param name="optimizer">An optimizer name: see <see cref="OptimizerRegistry.Get"/>.</param>
    /// <param name="loss">A loss name: see <see cref="Loss.Get"/>.</param>
    /// <param name="metrics"><see cref="Metric"/> objects or names.</param>
    /// <param name="runEagerly">Whether steps run eagerly instead of as traced graphs (see <see cref="RunEagerly"/>).</param>
    public void Compile(string optimizer, string loss, IEnumerable<object>? metrics = null, bool runEagerly = false) =>
        Compile(OptimizerRegistry.Get(optimizer), Loss.Get(loss), metrics, runEagerly);

    /// <summary>
    /// One gradient step on a batch (Keras's <c>train_step</c>): forward in training mode, loss plus the sum of
    /// <see cref="Layer.Losses"/> (regularization penalties), gradients, update; the loss tracker and compiled metrics
    /// accumulate the batch. Returns the batch loss, penalties included (as Keras reports it).
    /// </summary>
    public virtual double TrainStep(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        (Optimizer optimizer, Loss loss) = RequireCompiled("training");
        (Tensor value, Tensor yPred) = RunTrainStep(x, y, optimizer, loss);
        double batchLoss = ToDouble(value);
        UpdateMetrics(batchLoss, y, yPred, x.Rank > 0 ? x.Shape[0] : 1);
        return batchLoss;
    }

    /// <summary>
    /// One gradient step on one batch (Keras's <c>train_on_batch</c>); returns the batch loss. The metrics
    /// (<see cref="GetMetricsResult"/>) cover this batch only, or accumulate when <paramref name="resetMetrics"/> is false.
    /// </summary>
    public double TrainOnBatch(Tensor x, Tensor y, bool resetMetrics = true)
    {
        if (resetMetrics)
        {
            ResetMetrics();
        }

        return TrainStep(x, y);
    }

    /// <summary>The current value of each metric by name (<c>loss</c> first), as Keras's <c>get_metrics_result</c>.</summary>
    public Dictionary<string, double> GetMetricsResult()
    {
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Metric m in Metrics)
        {
            logs[m.Name] = m.Result();
        }

        return logs;
    }

    /// <summary>Forgets the states of every stateful recurrent layer in the model (Keras's <c>reset_states</c>).</summary>
    public void ResetStates() => ResetStates(this, new HashSet<Layer>(ReferenceEqualityComparer.Instance));

    /// <summary>Resets the loss tracker and every compiled metric (Keras's <c>reset_metrics</c>).</summary>
    public void ResetMetrics()
    {
        foreach (Metric m in Metrics)
        {
            m.ResetState();
        }
    }

    /// <summary>The predictions for <paramref name="x"/> (inference mode), computed <paramref name="batchSize"/> samples at a time.</summary>
    /// <param name="x">The inputs, samples along the first axis.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor Predict(Tensor x, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckBatchSize("Predict", batchSize);
        if ((DistributeStrategy ?? Distribution.Current) is { } strategy && x.Rank > 0)
        {
            // Each worker predicts its shard; every worker gets all the predictions, in order.
            using IDisposable scope = Distribution.Enter(strategy);
            Tensor shard = strategy.ShardBatch(x, training: false);
            int localBatch = Math.Max(1, batchSize / strategy.NumReplicasInSync);
            return strategy.GatherBatches(shard.Shape[0] == 0 ? shard : PredictLocal(shard, localBatch, cancellationToken));
        }

        return PredictLocal(x, batchSize, cancellationToken);
    }

    private Tensor PredictLocal(Tensor x, int batchSize, CancellationToken cancellationToken)
    {
        x = CastInputs(x);
        int samples = x.Rank == 0 ? 1 : x.Shape[0];
        if (x.Rank == 0 || samples <= batchSize)
        {
            return RunPredictStep(x);
        }

        var outputs = new List<Tensor>();
        for (int start = 0; start < samples; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outputs.Add(RunPredictStep(x[start..Math.Min(samples, start + batchSize)]));
        }

        return Tf.Concat([.. outputs], 0);
    }

    /// <summary>
    /// The compiled loss (plus <see cref="Layer.Losses"/>) and every compiled metric on (<paramref name="x"/>,
    /// <paramref name="y"/>), each the mean over batches weighted by their sizes, as Keras's <c>evaluate</c>: read the
    /// result as the loss (<c>double loss = model.Evaluate(x, y)</c>), as a list
    /// (<c>var (testLoss, testAcc) = model.Evaluate(x, y, verbose: 2)</c>) or by name (<c>result["accuracy"]</c>).
    /// Floating inputs are cast to the model's dtype first.
    /// </summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's line <c>4/4 - 0s - 2ms/step - loss: 0.2500 - accuracy: 0.8750</c>.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary (Keras's <c>return_dict=True</c>); it is indexable by name either way.</param>
    /// <param name="output">Where the line is printed; <see cref="Console.Out"/> by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int batchSize = 32, int verbose = 1, bool returnDict = false,
        TextWriter? output = null, CancellationToken cancellationToken = default) =>
        EvaluateData([x], batchSize, verbose, returnDict, output, () => EvaluateMetrics(x, y, batchSize, cancellationToken));

    // Evaluate's result and its printed line (by the chief only, under a strategy).
    private EvaluationResult EvaluateData(Tensor[] x, int batchSize, int verbose, bool returnDict, TextWriter? output,
        Func<Dictionary<string, double>> evaluate)
    {
        CheckVerbose("Evaluate", verbose);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Dictionary<string, double> logs = evaluate();
        return EvaluationSummary(logs, StepCount(x[0].Shape[0], batchSize), started, verbose, returnDict, output);
    }

    // Evaluate's result, and Keras's one-line report of it when verbose (by the chief only, under a strategy).
    private EvaluationResult EvaluationSummary(Dictionary<string, double> logs, int steps, long started, int verbose, bool returnDict,
        TextWriter? output)
    {
        var result = new EvaluationResult(logs, returnDict);
        if (verbose > 0 && (DistributeStrategy ?? Distribution.Current) is null or { WorkerIndex: 0 })
        {
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            (output ?? Console.Out).WriteLine(Callbacks.ProgbarLogger.SummaryLine(steps, seconds, result.ToDictionary()));
        }

        return result;
    }

    /// <summary>The loss and every compiled metric on (<paramref name="x"/>, <paramref name="y"/>), by name (Keras's <c>evaluate(..., return_dict=True)</c>).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Dictionary<string, double> EvaluateMetrics(Tensor x, Tensor y, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        CheckData("Evaluate", x, y);
        CheckBatchSize("Evaluate", batchSize);
        (_, Loss loss) = RequireCompiled("Evaluate");
        IDistributionStrategy? strategy = DistributeStrategy ?? Distribution.Current;
        using IDisposable? distributed = strategy is null ? null : Distribution.Enter(strategy);
        if (strategy is not null)
        {
            // Each worker evaluates its shard; the metrics are aggregated over all samples below.
            (x, y) = (strategy.ShardBatch(x, training: false), strategy.ShardBatch(y, training: false));
            batchSize = Math.Max(1, batchSize / strategy.NumReplicasInSync);
        }

        x = CastInputs(x);
        ResetMetrics();
        int samples = x.Shape[0];
        batchSize = ClampedBatchSize(batchSize, samples);
        for (int start = 0; start < samples; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(samples, start + batchSize);
            Tensor bx = start == 0 && end == samples ? x : x[start..end];
            Tensor by = start == 0 && end == samples ? y : y[start..end];
            (Tensor value, Tensor yPred) = RunTestStep(bx, by, loss);
            UpdateMetrics(ToDouble(value), by, yPred, end - start);
        }

        return strategy is null ? GetMetricsResult() : strategy.AggregateLogs(GetMetricsResult(), samples);
    }

    /// <summary>
    /// The compiled loss plus the sum of <see cref="Layer.Losses"/> (weight and activity penalties, <c>AddLoss</c>),
    /// each cast to the loss's dtype, as Keras's <c>compute_loss</c>: read here, inside the caller's tape, so the
    /// penalties are differentiated with the loss, and the reported loss includes them.
    /// </summary>
    private Tensor AddRegularizationLosses(Tensor value)
    {
        foreach (Tensor penalty in Losses)
        {
            value = Tf.Add(value, penalty.DType == value.DType ? penalty : Tf.Cast(penalty, value.DType));
        }

        return value;
    }

    private void UpdateMetrics(double batchLoss, Tensor y, Tensor yPred, int count)
    {
        _lossTracker.UpdateState(batchLoss, count);
        foreach (Metric m in _compiledMetrics)
        {
            m.UpdateState(y, yPred);
        }
    }

    private (Optimizer Optimizer, Loss Loss) RequireCompiled(string what) =>
        Optimizer is { } optimizer && Loss is { } loss
            ? (optimizer, loss)
            : throw new InvalidOperationException($"Model {Name} must be compiled before {what}: call Compile(optimizer, loss).");

    private static double ToDouble(Tensor t) => Tf.Cast(t, DType.Float64).Item<double>();

    private static void CheckBatchSize(string what, int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentException($"{what}: batchSize must be positive, got {batchSize}.", nameof(batchSize));
        }
    }

    // Keras clamps the batch to the data: batchSize int.MaxValue is one batch of every sample. Clamped, start +
    // batchSize cannot wrap around int (it made Fit's step count negative: nothing trained, loss 0).
    private static int ClampedBatchSize(int batchSize, int samples) => Math.Min(batchSize, Math.Max(samples, 1));

    // The number of batches, without the (samples + batchSize - 1) that wraps for a batch size near int.MaxValue.
    private static int StepCount(int samples, int batchSize) => samples == 0 ? 0 : ((samples - 1) / batchSize) + 1;

    private static void CheckData(string what, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || y.Rank == 0 || x.Shape[0] != y.Shape[0])
        {
            throw new ArgumentException(
                $"{what}: x of shape {x.Shape} ({x.DType}) and y of shape {y.Shape} ({y.DType}) need the same number of samples (first axis).");
        }
    }

    private static void ResetStates(Layer layer, HashSet<Layer> seen)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        if (layer is RecurrentLayer recurrent)
        {
            recurrent.ResetStates();
        }

        foreach (Layer child in layer.Layers)
        {
            ResetStates(child, seen);
        }
    }
}
