using Nabla.Keras.Callbacks;
using Nabla.Keras.Distribute;

namespace Nabla.Keras;

/// <summary>
/// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on lists of tensors (Keras's <c>fit([x1, x2], [y1, y2])</c>): one
/// tensor per input of the model, in <see cref="Inputs"/>' order, and one per output; the samples of every tensor
/// run along its first axis, and batches cut all of them at the same rows.
/// </summary>
public partial class Model
{
    /// <summary>
    /// Trains a model of several inputs or outputs (Keras's <c>fit([x1, x2], [y1, y2])</c>); see
    /// <see cref="Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/>
    /// for the parameters. The history holds <c>loss</c>, each output's <c>{output}_loss</c> and metrics, and their <c>val_</c> forms.
    /// </summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">One tensor of targets per model output.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationSplit">The fraction of samples held out for validation (taken from the end of every tensor).</param>
    /// <param name="validationData">Validation inputs and targets, as lists.</param>
    /// <param name="shuffle">Whether to shuffle before each epoch.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs = 1, int batchSize = 32, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null,
        bool shuffle = true, int? seed = null, int initialEpoch = 0, TextWriter? output = null, bool? interactive = null,
        CancellationToken cancellationToken = default) =>
        FitData(ToArray(x, nameof(x)), ToArray(y, nameof(y)), epochs, batchSize, verbose, callbacks, validationSplit,
            validationData is ({ } vx, { } vy) ? (ToArray(vx, nameof(validationData)), ToArray(vy, nameof(validationData))) : null,
            shuffle, seed, initialEpoch, output, interactive, cancellationToken);

    /// <summary>Trains a model of several inputs and one output (Keras's <c>fit([x1, x2], y)</c>); see <see cref="Fit(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, int, int, int, IEnumerable{Callback}?, double, ValueTuple{IReadOnlyList{Tensor}, IReadOnlyList{Tensor}}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/>.</summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">The targets.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationSplit">The fraction of samples held out for validation.</param>
    /// <param name="validationData">Validation inputs and targets.</param>
    /// <param name="shuffle">Whether to shuffle before each epoch.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public History Fit(IReadOnlyList<Tensor> x, Tensor y, int epochs = 1, int batchSize = 32, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (IReadOnlyList<Tensor> X, Tensor Y)? validationData = null,
        bool shuffle = true, int? seed = null, int initialEpoch = 0, TextWriter? output = null, bool? interactive = null,
        CancellationToken cancellationToken = default) =>
        Fit(x, [y ?? throw new ArgumentNullException(nameof(y))], epochs, batchSize, verbose, callbacks, validationSplit,
            validationData is ({ } vx, { } vy) ? (vx, [vy]) : null, shuffle, seed, initialEpoch, output, interactive, cancellationToken);

    /// <summary>
    /// The loss and metrics of a model of several inputs or outputs on (<paramref name="x"/>, <paramref name="y"/>)
    /// (Keras's <c>evaluate([x1, x2], [y1, y2])</c>), by name: <c>loss</c>, then each output's loss and metrics.
    /// </summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">One tensor of targets per model output.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary.</param>
    /// <param name="output">Where the line is printed; <see cref="Console.Out"/> by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32, int verbose = 1, bool returnDict = false,
        TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        Tensor[] xs = ToArray(x, nameof(x)), ys = ToArray(y, nameof(y));
        return EvaluateData(xs, batchSize, verbose, returnDict, output, () => EvaluateMetrics(xs, ys, batchSize, cancellationToken));
    }

    /// <summary>The loss and metrics of a model of several inputs and one output (Keras's <c>evaluate([x1, x2], y)</c>).</summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary.</param>
    /// <param name="output">Where the line is printed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, Tensor y, int batchSize = 32, int verbose = 1, bool returnDict = false,
        TextWriter? output = null, CancellationToken cancellationToken = default) =>
        Evaluate(x, [y ?? throw new ArgumentNullException(nameof(y))], batchSize, verbose, returnDict, output, cancellationToken);

    /// <summary>
    /// The predictions of a model of several inputs or outputs (Keras's <c>predict([x1, x2])</c>), in inference mode,
    /// <paramref name="batchSize"/> samples at a time: one tensor per output, in <see cref="Outputs"/>' order.
    /// </summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor[] Predict(IReadOnlyList<Tensor> x, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        Tensor[] xs = CastInputs(ToArray(x, nameof(x)));
        CheckBatchSize("Predict", batchSize);
        CheckSamples("Predict", xs, []);
        int samples = xs[0].Shape[0];
        batchSize = ClampedBatchSize(batchSize, samples);
        var batches = new List<Tensor[]>();
        for (int start = 0; start < samples || start == 0; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batches.Add(RunPredictStepOn(Slice(xs, start, Math.Min(samples, start + batchSize))));
        }

        return JoinOutputs(batches);
    }

    /// <summary>
    /// One gradient step on one batch of a model of several inputs or outputs (Keras's
    /// <c>train_on_batch([x1, x2], [y1, y2])</c>), traced unless the model runs eagerly; returns the batch's total loss,
    /// penalties included. The metrics (<see cref="GetMetricsResult"/>) cover this batch only, or accumulate when
    /// <paramref name="resetMetrics"/> is false.
    /// </summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">One tensor of targets per model output.</param>
    /// <param name="resetMetrics">Whether the metrics start over with this batch.</param>
    public double TrainOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, bool resetMetrics = true)
    {
        Tensor[] xs = CastInputs(ToArray(x, nameof(x))), ys = ToArray(y, nameof(y));
        CheckData("TrainOnBatch", xs, ys);
        RequireCompiled("training");
        if (!IsSingleStructure(xs, ys))
        {
            RequireNoStrategy("TrainOnBatch");
        }

        if (resetMetrics)
        {
            ResetMetrics();
        }

        return TrainStepOn(xs, ys);
    }

    // Evaluate's metrics on lists: one input and one output take the single-tensor path (and its distribution).
    private Dictionary<string, double> EvaluateMetrics(Tensor[] x, Tensor[] y, int batchSize, CancellationToken cancellationToken)
    {
        if (IsSingleStructure(x, y))
        {
            return EvaluateMetrics(x[0], y[0], batchSize, cancellationToken);
        }

        CheckData("Evaluate", x, y);
        CheckBatchSize("Evaluate", batchSize);
        RequireCompiled("Evaluate");
        RequireNoStrategy("Evaluate");
        x = CastInputs(x);
        ResetMetrics();
        int samples = x[0].Shape[0];
        batchSize = ClampedBatchSize(batchSize, samples);
        for (int start = 0; start < samples; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(samples, start + batchSize);
            Tensor[] by = Slice(y, start, end);
            UpdateOutputMetrics(RunTestStepOn(Slice(x, start, end), by, null), by, end - start);
        }

        return GetMetricsResult();
    }

    private void RequireNoStrategy(string what)
    {
        if ((DistributeStrategy ?? Distribution.Current) is not null)
        {
            throw new NotSupportedException($"{what}: a model of several inputs or outputs does not run under a distribution strategy yet.");
        }
    }

    private Tensor[] CastInputs(Tensor[] x)
    {
        var cast = new Tensor[x.Length];
        for (int i = 0; i < cast.Length; i++)
        {
            cast[i] = CastInputs(x[i]);
        }

        return cast;
    }

    private static Tensor[] ToArray(IReadOnlyList<Tensor> tensors, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors, name);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Expected at least one tensor, got an empty list.", name);
        }

        return [.. tensors];
    }

    private static Tensor[] Slice(Tensor[] tensors, int start, int end)
    {
        var result = new Tensor[tensors.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = start == 0 && end == tensors[i].Shape[0] ? tensors[i] : tensors[i][start..end];
        }

        return result;
    }

    // Fit's and Evaluate's check: one input and one output keep the single-tensor message.
    private static void CheckData(string what, Tensor[] x, Tensor[] y)
    {
        if (x.Length == 1 && y.Length == 1)
        {
            CheckData(what, x[0], y[0]);
        }
        else
        {
            CheckSamples(what, x, y);
        }
    }

    // Every tensor of x and y has the samples along its first axis, as many as the others.
    private static void CheckSamples(string what, Tensor[] x, Tensor[] y)
    {
        foreach (Tensor t in x.Concat(y))
        {
            ArgumentNullException.ThrowIfNull(t, nameof(x));
            if (t.Rank == 0 || t.Shape[0] != x[0].Shape[0] || x[0].Rank == 0)
            {
                throw new ArgumentException(
                    $"{what}: every input and target needs the same number of samples (first axis); got inputs of shapes " +
                    $"[{string.Join(", ", x.Select(v => v.Shape))}] and targets of shapes [{string.Join(", ", y.Select(v => v.Shape))}].");
            }
        }
    }
}
