using Nabla.Data;
using Nabla.Keras.Callbacks;
using Nabla.Keras.Distribute;
using Nabla.Keras.Losses;

namespace Nabla.Keras;

public partial class Model
{
    /// <summary>
    /// Trains on the (inputs, targets) batches of <paramref name="dataset"/>, as Keras's <c>fit(dataset)</c>: every
    /// epoch is a new iteration of the dataset (so its <c>Shuffle</c> reshuffles), in the dataset's batches and order;
    /// the batch size, shuffling and prefetching belong to the pipeline. With <paramref name="stepsPerEpoch"/> an
    /// epoch is that many batches, drawn from one iteration that continues across epochs (Keras's rule, needed for an
    /// endless <c>Repeat()</c>); if it runs out, training stops after that epoch with Keras's warning.
    /// </summary>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="epochs">The number of epochs.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called at the start and end of training, epochs and batches.</param>
    /// <param name="validationData">Batches evaluated at the end of each epoch (<c>val_</c> metrics).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required for an endless dataset.</param>
    /// <param name="validationSteps">Batches of <paramref name="validationData"/> per evaluation; all by default, required for an endless one.</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a run).</param>
    /// <param name="output">Where progress is printed; <see cref="Console.Out"/> by default.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal (see the tensor overload).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <exception cref="ArgumentException">When the arguments do not fit, or an endless dataset has no step count.</exception>
    /// <exception cref="InvalidOperationException">When the model is not compiled, or an epoch gets no batch.</exception>
    /// <exception cref="DatasetFunctionException">When a function of the pipeline fails (naming the element).</exception>
    public History Fit(Dataset<(Tensor, Tensor)> dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        Dataset<(Tensor, Tensor)>? validationData = null, int? stepsPerEpoch = null, int? validationSteps = null, int initialEpoch = 0,
        TextWriter? output = null, bool? interactive = null, CancellationToken cancellationToken = default) =>
        FitBatches(dataset, s_pair, validationData, epochs, verbose, callbacks, stepsPerEpoch, validationSteps, initialEpoch, output, interactive,
            cancellationToken);

    // A (inputs, targets) batch of one tensor each, as the lists the steps take (no sample weights).
    private static readonly Func<(Tensor, Tensor), (Tensor[] X, Tensor[] Y, Tensor? SampleWeight)> s_pair = batch => ([batch.Item1], [batch.Item2], null);

    // Fit's loop over a dataset whose batches unpack to inputs and targets in the model's order, and sample weights or null.
    private History FitBatches<T>(Dataset<T> dataset, Func<T, (Tensor[] X, Tensor[] Y, Tensor? SampleWeight)> unpack, Dataset<T>? validationData, int epochs, int verbose,
        IEnumerable<Callback>? callbacks, int? stepsPerEpoch, int? validationSteps, int initialEpoch, TextWriter? output, bool? interactive,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckFitArguments(epochs, initialEpoch, verbose);
        RequireUndistributedDataset("Fit");
        long cardinality = CheckSteps("Fit", dataset, stepsPerEpoch, nameof(stepsPerEpoch));
        if (validationData is not null)
        {
            CheckSteps("Fit (validationData)", validationData, validationSteps, nameof(validationSteps));
        }

        int? steps = stepsPerEpoch ?? (cardinality >= 0 ? (int)Math.Min(cardinality, int.MaxValue) : null);
        CallbackList list = BeginFit(new TrainingParameters(epochs, steps, verbose), callbacks, output, interactive, out History history);

        // Keras re-iterates the dataset every epoch unless steps_per_epoch is given (and differs from its length).
        bool continueAcrossEpochs = stepsPerEpoch is int s && s != cardinality;
        IEnumerator<T>? batches = null;
        Dictionary<string, double> logs = [];
        try
        {
            list.TrainBegin(logs);

            // A callback that restored a backup (BackupAndRestore) says which epoch to resume at.
            int firstEpoch = ResumeEpoch ?? initialEpoch;
            ResumeEpoch = null;
            for (int epoch = firstEpoch; epoch < epochs && !StopTraining; epoch++)
            {
                ResetMetrics();
                list.EpochBegin(epoch, new Dictionary<string, double>(StringComparer.Ordinal));
                if (!continueAcrossEpochs || batches is null)
                {
                    batches?.Dispose();
                    batches = dataset.GetEnumerator();
                }

                int step = 0;
                for (; (stepsPerEpoch is null || step < stepsPerEpoch) && !StopTraining; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!batches.MoveNext())
                    {
                        break;
                    }

                    (Tensor[] x, Tensor[] y, Tensor? sampleWeight) = unpack(batches.Current);
                    list.BatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
                    TrainStepOn(x, y, sampleWeight);
                    list.BatchEnd(step, GetMetricsResult());
                }

                if (step < stepsPerEpoch && !StopTraining)
                {
                    (ProgressWriter ?? Console.Error).WriteLine(
                        "Your input ran out of data; interrupting training. Make sure that your dataset can generate at least " +
                        "`stepsPerEpoch * epochs` batches. You may need to use Repeat() when building your dataset.");
                    StopTraining = true;
                }

                if (step == 0)
                {
                    if (stepsPerEpoch is null)
                    {
                        throw new InvalidOperationException($"Fit: the dataset yielded no batch in epoch {epoch + 1}; expected input data to be non-empty.");
                    }

                    break;
                }

                logs = GetMetricsResult();
                if (validationData is not null)
                {
                    foreach ((string key, double value) in EvaluateBatches(validationData, unpack, validationSteps, cancellationToken, out _))
                    {
                        logs["val_" + key] = value;
                    }
                }

                list.EpochEnd(epoch, logs);
            }

            list.TrainEnd(logs);
        }
        finally
        {
            batches?.Dispose();   // ends the pipeline's background threads, also when training throws
            ProgressWriter = null;
        }

        return history;
    }

    /// <summary>
    /// The compiled loss (with <see cref="Layer.Losses"/>) and every compiled metric over the (inputs, targets) batches of
    /// <paramref name="dataset"/>, each weighted by batch size, as Keras's <c>evaluate(dataset)</c> (see the tensor
    /// overload for the ways to read the result).
    /// </summary>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to evaluate; all by default (required for an endless dataset).</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary (Keras's <c>return_dict=True</c>).</param>
    /// <param name="output">Where the line is printed; <see cref="Console.Out"/> by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate(Dataset<(Tensor, Tensor)> dataset, int? steps = null, int verbose = 1, bool returnDict = false,
        TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        CheckVerbose("Evaluate", verbose);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Dictionary<string, double> logs = EvaluateBatches(dataset, s_pair, steps, cancellationToken, out int batches);
        return EvaluationSummary(logs, batches, started, verbose, returnDict, output);
    }

    private static void CheckVerbose(string what, int verbose)
    {
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentException($"{what}: verbose must be 0, 1 or 2, got {verbose}.", nameof(verbose));
        }
    }

    /// <summary>The loss and every compiled metric over the batches of <paramref name="dataset"/>, by name (Keras's <c>evaluate(dataset, return_dict=True)</c>).</summary>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to evaluate; all by default (required for an endless dataset).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Dictionary<string, double> EvaluateMetrics(Dataset<(Tensor, Tensor)> dataset, int? steps = null, CancellationToken cancellationToken = default) =>
        EvaluateBatches(dataset, s_pair, steps, cancellationToken, out _);

    private Dictionary<string, double> EvaluateBatches<T>(Dataset<T> dataset, Func<T, (Tensor[] X, Tensor[] Y, Tensor? SampleWeight)> unpack, int? steps,
        CancellationToken cancellationToken, out int batches)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        (_, Loss loss) = RequireCompiled("Evaluate");
        RequireUndistributedDataset("Evaluate");
        CheckSteps("Evaluate", dataset, steps, nameof(steps));
        ResetMetrics();
        batches = 0;
        using (IEnumerator<T> iterator = dataset.GetEnumerator())
        {
            for (; (steps is null || batches < steps) && iterator.MoveNext(); batches++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (Tensor[] x, Tensor[] y, Tensor? sampleWeight) = unpack(iterator.Current);
                TestStepOn(x, y, loss, sampleWeight);
            }
        }

        return batches > 0 ? GetMetricsResult() : throw new InvalidOperationException("Evaluate: the dataset yielded no batch; expected input data to be non-empty.");
    }

    /// <summary>The predictions (inference mode) for every batch of inputs of <paramref name="dataset"/>, joined along the first axis.</summary>
    /// <param name="dataset">Batches of inputs.</param>
    /// <param name="steps">How many batches to predict; all by default (required for an endless dataset).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor Predict(Dataset<Tensor> dataset, int? steps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckSteps("Predict", dataset, steps, nameof(steps));
        RequireUndistributedDataset("Predict");
        var outputs = new List<Tensor>();
        using (IEnumerator<Tensor> batches = dataset.GetEnumerator())
        {
            while ((steps is null || outputs.Count < steps) && batches.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                outputs.Add(RunPredictStep(batches.Current));
            }
        }

        return outputs.Count switch
        {
            0 => throw new InvalidOperationException("Predict: the dataset yielded no batch; expected input data to be non-empty."),
            1 => outputs[0],
            _ => Tf.Concat([.. outputs], 0),
        };
    }

    /// <summary>The predictions for the inputs of (inputs, targets) batches; the targets are ignored, as Keras's <c>predict</c> does.</summary>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to predict; all by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor Predict(Dataset<(Tensor, Tensor)> dataset, int? steps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckSteps("Predict", dataset, steps, nameof(steps));
        return Predict(new InputsOf(dataset), steps, cancellationToken);
    }

    // One evaluation batch (Keras's test_step), traced as the tensor overload's; several compiled losses, or sample
    // weights, take the structures' step.
    private void TestStepOn(Tensor[] x, Tensor[] y, Loss loss, Tensor? sampleWeight = null)
    {
        int count = x[0].Rank > 0 ? x[0].Shape[0] : 1;
        if (IsSingleStructure(x, y) && sampleWeight is null)
        {
            (Tensor value, Tensor yPred) = RunTestStep(x[0], y[0], loss);
            UpdateMetrics(ToDouble(value), y[0], yPred, count);
        }
        else
        {
            UpdateOutputMetrics(RunTestStepOn(x, y, sampleWeight), y, count);
        }
    }

    // Datasets are not sharded across workers yet: refuse rather than train each worker on its own copy unsynchronized.
    private void RequireUndistributedDataset(string what)
    {
        if ((DistributeStrategy ?? Distribution.Current) is not null)
        {
            throw new NotSupportedException(
                $"{what}: datasets are not distributed across workers yet; under a distribution strategy pass tensors (x, y), which are sharded.");
        }
    }

    // A positive step count, and one for an endless dataset (Keras's message); returns the dataset's cardinality.
    private static long CheckSteps<T>(string what, Dataset<T> dataset, int? steps, string name)
    {
        if (steps is <= 0)
        {
            throw new ArgumentException($"{what}: {name} must be positive, got {steps}.", name);
        }

        long cardinality = dataset.Cardinality();
        if (cardinality == Dataset.InfiniteCardinality && steps is null)
        {
            throw new ArgumentException(
                $"{what}: when providing an infinite dataset, you must specify the number of steps to run ({name}); if you did not intend " +
                "to create an infinite dataset, make sure not to call Repeat() without a count on it.", name);
        }

        return cardinality;
    }

    /// <summary>The first items of a dataset of pairs, without wrapping a function's faults as <c>Map</c> would.</summary>
    private sealed class InputsOf(Dataset<(Tensor, Tensor)> pairs) : Dataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            foreach ((Tensor x, _) in pairs)
            {
                yield return x;
            }
        }

        public override long Cardinality() => pairs.Cardinality();
    }
}
