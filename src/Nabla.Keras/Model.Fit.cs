using System.Globalization;
using Nabla.Keras.Callbacks;
using Nabla.Keras.Distribute;

namespace Nabla.Keras;

public partial class Model
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> passes over (<paramref name="x"/>, <paramref name="y"/>) in batches of
    /// <paramref name="batchSize"/> samples (first axis), as Keras's <c>fit</c>. Batches are cut with tensor ops
    /// (a slice, or a gather of shuffled indices). Returns the <see cref="Nabla.Keras.History"/> of each epoch's
    /// <c>loss</c>, metrics and <c>val_</c> metrics.
    /// </summary>
    /// <param name="x">The inputs, samples along the first axis.</param>
    /// <param name="y">The targets, samples along the first axis.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size (Keras's default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (one line per epoch when the output is redirected), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called at the start and end of training, epochs and batches.</param>
    /// <param name="validationSplit">The fraction of samples, taken from the end before shuffling, held out for validation.</param>
    /// <param name="validationData">Validation inputs and targets, evaluated at the end of each epoch (overrides <paramref name="validationSplit"/>).</param>
    /// <param name="shuffle">Whether to shuffle the training samples before each epoch.</param>
    /// <param name="seed">The shuffling seed; <c>null</c> for a random one.</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a run).</param>
    /// <param name="output">Where progress is printed; <see cref="Console.Out"/> by default.</param>
    /// <param name="interactive">
    /// Whether <paramref name="output"/> is a terminal, where the bar is redrawn in place; by default
    /// <c>!Console.IsOutputRedirected</c> for the console and <c>false</c> for another writer.
    /// </param>
    /// <param name="cancellationToken">Checked between batches: cancelling throws <see cref="OperationCanceledException"/> with the weights of the last finished batch.</param>
    /// <exception cref="ArgumentException">When the data or the arguments do not fit.</exception>
    /// <exception cref="InvalidOperationException">When the model is not compiled.</exception>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        double validationSplit = 0, (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, int? seed = null,
        int initialEpoch = 0, TextWriter? output = null, bool? interactive = null, CancellationToken cancellationToken = default) =>
        FitData([x], [y], epochs, batchSize, verbose, callbacks, validationSplit, validationData is (Tensor vx, Tensor vy) ? ([vx], [vy]) : null,
            shuffle, seed, initialEpoch, output, interactive, cancellationToken);

    // Fit's loop over inputs and targets as lists: one tensor each for a model of one input and one output.
    private History FitData(Tensor[] x, Tensor[] y, int epochs, int batchSize, int verbose, IEnumerable<Callback>? callbacks,
        double validationSplit, (Tensor[] X, Tensor[] Y)? validationData, bool shuffle, int? seed, int initialEpoch, TextWriter? output,
        bool? interactive, CancellationToken cancellationToken)
    {
        CheckData("Fit", x, y);
        CheckBatchSize("Fit", batchSize);
        CheckFitArguments(epochs, initialEpoch, verbose);

        // Keras's autocasting, once for the whole set rather than per batch: a double[,] trains a float32 model.
        (Tensor[] trainX, Tensor[] trainY, Tensor[]? valX, Tensor[]? valY) = SplitValidation(CastInputs(x), y, validationSplit, validationData);
        int samples = trainX[0].Shape[0];
        int trainBatch = ClampedBatchSize(batchSize, samples); // the validation data keeps batchSize (clamped to its own size)
        int steps = StepCount(samples, trainBatch);

        // Under a distribution strategy each worker trains on its shard of every global batch (Distribute/).
        IDistributionStrategy? strategy = DistributeStrategy ?? Distribution.Current;
        if (!IsSingleStructure(x, y))
        {
            RequireNoStrategy("Fit");
        }

        using IDisposable? distributed = strategy is null ? null : Distribution.Enter(strategy);
        CallbackList list = BeginFit(new TrainingParameters(epochs, steps, verbose), callbacks, output, interactive, out History history,
            printProgress: strategy is not { WorkerIndex: not 0 });
#pragma warning disable CA5394 // Shuffling training data is not security sensitive.
        // Without a seed, the shuffle seed is drawn from Tf.Random, so Tf.Random.SetSeed makes Fit reproducible.
        int shuffleSeed = seed ?? (shuffle ? (int)Tf.Random.Uniform([], 0, int.MaxValue, DType.Float64).Item<double>() : 0);
        if (strategy is not null)
        {
            shuffleSeed = strategy.SynchronizeFit(samples, trainBatch, shuffleSeed);
            strategy.SynchronizeVariables(Variables);
        }

        var random = new Random(shuffleSeed);
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            order[i] = i;
        }

        Dictionary<string, double> logs = [];
        list.TrainBegin(logs);

        // A callback that restored a backup (BackupAndRestore) says which epoch to resume at.
        int firstEpoch = ResumeEpoch ?? initialEpoch;
        ResumeEpoch = null;
        for (int epoch = firstEpoch; epoch < epochs && !StopTraining; epoch++)
        {
            ResetMetrics();
            list.EpochBegin(epoch, new Dictionary<string, double>(StringComparer.Ordinal));
            if (shuffle)
            {
                random.Shuffle(order);
            }
#pragma warning restore CA5394

            for (int step = 0; step < steps && !StopTraining; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = step * trainBatch;
                int end = Math.Min(samples, start + trainBatch);
                (Tensor[] bx, Tensor[] by) = Batch(trainX, trainY, shuffle ? order : null, start, end);
                list.BatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
                if (strategy is not null)
                {
                    (bx, by) = ([strategy.ShardBatch(bx[0], training: true)], [strategy.ShardBatch(by[0], training: true)]);
                }

                if (bx[0].Shape[0] > 0)
                {
                    TrainStepOn(bx, by);
                }

                list.BatchEnd(step, AggregatedMetricsResult(strategy));
            }

            if (strategy is not null)
            {
                strategy.SynchronizeVariables(NonTrainableVariables);
            }

            logs = AggregatedMetricsResult(strategy);
            if (valX is not null && valY is not null)
            {
                foreach ((string key, double value) in EvaluateMetrics(valX, valY, batchSize, cancellationToken))
                {
                    logs["val_" + key] = value;
                }
            }

            list.EpochEnd(epoch, logs);
        }

        list.TrainEnd(logs);
        ProgressWriter = null;
        return history;
    }

    // Keras's checks of fit's common arguments (the model must be compiled).
    private void CheckFitArguments(int epochs, int initialEpoch, int verbose)
    {
        RequireCompiled("training");
        if (epochs < 0 || initialEpoch < 0 || verbose is < 0 or > 2)
        {
            throw new ArgumentException(
                $"Fit: epochs and initialEpoch must be non-negative and verbose 0, 1 or 2, got {epochs}, {initialEpoch} and {verbose}.");
        }
    }

    // The callbacks of a Fit: the progress bar (unless silent), the user's, then the History; each told the model and the run's parameters.
    private CallbackList BeginFit(TrainingParameters parameters, IEnumerable<Callback>? callbacks, TextWriter? output, bool? interactive,
        out History history, bool printProgress = true)
    {
        history = new History();
        var all = new List<Callback>();
        TextWriter? writer = parameters.Verbose == 0 || !printProgress ? null : output ?? Console.Out;
        if (writer is not null)
        {
            bool isTerminal = interactive ?? (output is null && !Console.IsOutputRedirected);
            all.Add(new ProgbarLogger(writer, isTerminal && parameters.Verbose == 1));
        }

        all.AddRange(callbacks ?? []);
        all.Add(history);
        foreach (Callback c in all)
        {
            c.SetModel(this);
            c.SetParams(parameters);
        }

        History = history;
        ProgressWriter = writer;
        StopTraining = false;
        return new CallbackList(all);
    }

    // The metrics of all workers under a strategy: means over each worker's samples so far, weighted by their count.
    private Dictionary<string, double> AggregatedMetricsResult(IDistributionStrategy? strategy) =>
        strategy is null ? GetMetricsResult() : strategy.AggregateLogs(GetMetricsResult(), _lossTracker.Count);

    // The batch of samples [start, end) of every tensor: a slice in order, or a gather of the shuffled indices.
    private static (Tensor[] X, Tensor[] Y) Batch(Tensor[] x, Tensor[] y, int[]? order, int start, int end)
    {
        if (order is null)
        {
            return (Slice(x, start, end), Slice(y, start, end));
        }

        Tensor indices = Tf.Constant(order[start..end], new Shape(end - start));
        return ([.. x.Select(t => Tf.Gather(t, indices))], [.. y.Select(t => Tf.Gather(t, indices))]);
    }

    private static (Tensor[] X, Tensor[] Y, Tensor[]? ValX, Tensor[]? ValY) SplitValidation(
        Tensor[] x, Tensor[] y, double validationSplit, (Tensor[] X, Tensor[] Y)? validationData)
    {
        if (validationData is ({ } valX, { } valY))
        {
            CheckData("Fit (validationData)", valX, valY);
            return (x, y, valX, valY);
        }

        if (!(validationSplit >= 0 && validationSplit < 1))
        {
            throw new ArgumentException(
                $"Fit: validationSplit must be in [0, 1), got {validationSplit.ToString(CultureInfo.InvariantCulture)}.", nameof(validationSplit));
        }

        if (validationSplit == 0)
        {
            return (x, y, null, null);
        }

        int samples = x[0].Shape[0];
        int splitAt = (int)Math.Floor(samples * (1.0 - validationSplit));
        if (splitAt == 0 || splitAt == samples)
        {
            throw new ArgumentException(
                $"Fit: training data contains {samples} samples, which is not sufficient to split it into a validation and training set " +
                $"as specified by validationSplit={validationSplit.ToString(CultureInfo.InvariantCulture)}.", nameof(validationSplit));
        }

        return (Slice(x, 0, splitAt), Slice(y, 0, splitAt), Slice(x, splitAt, samples), Slice(y, splitAt, samples));
    }
}
