using System.Runtime.CompilerServices;
using Nabla.Data;
using Nabla.Keras.Callbacks;

namespace Nabla.Keras;

/// <summary>
/// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on datasets whose elements carry several inputs or outputs, as Keras's
/// <c>fit(tf.data.Dataset.from_tensor_slices(({"a": xa, "b": xb}, y)))</c>: each element is a batch of (inputs, targets),
/// and each side is a <see cref="Tensor"/>, a list (<c>Tensor[]</c>, in <see cref="Model.Inputs"/>' or
/// <see cref="Model.Outputs"/>' order), a tuple of tensors (tf.data's nested tuples, <c>((xa, xb), y)</c>) or a dictionary
/// keyed by the model's input names (<see cref="Model.InputNames"/>; for targets the output names,
/// <see cref="Model.OutputNames"/>). The batches run through the same steps as the in-memory lists and dictionaries.
/// </summary>
public partial class Model
{
    /// <summary>
    /// Trains on the (inputs, targets) batches of <paramref name="dataset"/>, where either side may hold several tensors
    /// (a list, a tuple or a dictionary by name); the rest is the tensor-pair overload's
    /// (<see cref="Fit(Dataset{ValueTuple{Tensor, Tensor}}, int, int, IEnumerable{Callback}?, Dataset{ValueTuple{Tensor, Tensor}}?, int?, int?, int, TextWriter?, bool?, CancellationToken)"/>).
    /// </summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="epochs">The number of epochs.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationData">Batches of the same structure evaluated at the end of each epoch (<c>val_</c> metrics).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required for an endless dataset.</param>
    /// <param name="validationSteps">Batches of <paramref name="validationData"/> per evaluation; all by default.</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <exception cref="NotSupportedException">When a side of the element is none of the supported structures.</exception>
    /// <exception cref="ArgumentException">When a dictionary misses a name or has one the model lacks, or the counts do not match the model.</exception>
    public History Fit<TInputs, TTargets>(Dataset<(TInputs, TTargets)> dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        Dataset<(TInputs, TTargets)>? validationData = null, int? stepsPerEpoch = null, int? validationSteps = null, int initialEpoch = 0,
        TextWriter? output = null, bool? interactive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckElementSide<TInputs>("Fit", "inputs");
        CheckElementSide<TTargets>("Fit", "targets");
        return FitBatches(dataset, Unpack, validationData, epochs, verbose, callbacks, stepsPerEpoch, validationSteps, initialEpoch, output,
            interactive, cancellationToken);
    }

    /// <summary>
    /// The loss and metrics over the (inputs, targets) batches of <paramref name="dataset"/>, where either side may hold
    /// several tensors (Keras's <c>evaluate(dataset)</c> on a model of several inputs or outputs): <c>loss</c>, then each
    /// output's loss and metrics.
    /// </summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to evaluate; all by default (required for an endless dataset).</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary.</param>
    /// <param name="output">Where the line is printed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate<TInputs, TTargets>(Dataset<(TInputs, TTargets)> dataset, int? steps = null, int verbose = 1, bool returnDict = false,
        TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        CheckVerbose("Evaluate", verbose);
        CheckElementSide<TInputs>("Evaluate", "inputs");
        CheckElementSide<TTargets>("Evaluate", "targets");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Dictionary<string, double> logs = EvaluateBatches(dataset, Unpack, steps, cancellationToken, out int batches);
        return EvaluationSummary(logs, batches, started, verbose, returnDict, output);
    }

    /// <summary>The loss and every compiled metric over the batches of <paramref name="dataset"/>, by name.</summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to evaluate; all by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Dictionary<string, double> EvaluateMetrics<TInputs, TTargets>(Dataset<(TInputs, TTargets)> dataset, int? steps = null,
        CancellationToken cancellationToken = default)
    {
        CheckElementSide<TInputs>("Evaluate", "inputs");
        CheckElementSide<TTargets>("Evaluate", "targets");
        return EvaluateBatches(dataset, Unpack, steps, cancellationToken, out _);
    }

    /// <summary>
    /// The predictions (inference mode) for batches of several inputs (a list or a dictionary by input name), one tensor
    /// per output in <see cref="Outputs"/>' order, each joined along the first axis (Keras's <c>predict(dataset)</c>).
    /// </summary>
    /// <typeparam name="TInputs">A list of tensors or a dictionary by input name (a tensor takes the single-output overload).</typeparam>
    /// <param name="dataset">Batches of inputs.</param>
    /// <param name="steps">How many batches to predict; all by default (required for an endless dataset).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor[] Predict<TInputs>(Dataset<TInputs> dataset, int? steps = null, CancellationToken cancellationToken = default)
    {
        if (typeof(ITuple).IsAssignableFrom(typeof(TInputs)))
        {
            // Keras reads a tuple element as (inputs, targets[, weights]), never as a list of inputs: say so rather than guess.
            throw new NotSupportedException(
                $"Predict: a dataset of {typeof(TInputs).Name} elements is ambiguous; give batches of (inputs, targets) pairs, or the inputs as a Tensor[] or a dictionary by input name.");
        }

        CheckElementSide<TInputs>("Predict", "inputs");
        return PredictBatches(dataset, batch => CastInputs(Side(batch, InputNames, "input")), steps, cancellationToken);
    }

    /// <summary>The predictions for the inputs of (inputs, targets) batches, one tensor per output; the targets are ignored, as Keras's <c>predict</c> does.</summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">Anything: the targets are not read.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets).</param>
    /// <param name="steps">How many batches to predict; all by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor[] Predict<TInputs, TTargets>(Dataset<(TInputs, TTargets)> dataset, int? steps = null, CancellationToken cancellationToken = default)
    {
        CheckElementSide<TInputs>("Predict", "inputs");
        return PredictBatches(dataset, batch => CastInputs(Side(batch.Item1, InputNames, "input")), steps, cancellationToken);
    }

    private Tensor[] PredictBatches<T>(Dataset<T> dataset, Func<T, Tensor[]> inputs, int? steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckSteps("Predict", dataset, steps, nameof(steps));
        RequireUndistributedDataset("Predict");
        var batches = new List<Tensor[]>();
        using (IEnumerator<T> elements = dataset.GetEnumerator())
        {
            while ((steps is null || batches.Count < steps) && elements.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                batches.Add(RunPredictStepOn(inputs(elements.Current)));
            }
        }

        return batches.Count > 0
            ? JoinOutputs(batches)
            : throw new InvalidOperationException("Predict: the dataset yielded no batch; expected input data to be non-empty.");
    }

    // Each output's predictions of every batch, joined along the samples' axis.
    private static Tensor[] JoinOutputs(List<Tensor[]> batches)
    {
        var outputs = new Tensor[batches[0].Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = batches.Count == 1 ? batches[0][i] : Tf.Concat([.. batches.Select(b => b[i])], 0);
        }

        return outputs;
    }

    // A batch's inputs in the model's order (autocast as Keras does) and its targets in the outputs' order; no sample weights.
    private (Tensor[] X, Tensor[] Y, Tensor? SampleWeight) Unpack<TInputs, TTargets>((TInputs, TTargets) batch) =>
        (CastInputs(Side(batch.Item1, InputNames, "input")), Side(batch.Item2, OutputNames, "output"), null);

    // One side of an element as a list of tensors: a tensor, a list, a tuple of tensors, or a dictionary by name.
    private Tensor[] Side(object? side, IReadOnlyList<string> names, string what)
    {
        Tensor[] tensors = side switch
        {
            Tensor t => [t],
            IReadOnlyDictionary<string, Tensor> byName => ByName(byName, names, what, "dataset"),
            IReadOnlyList<Tensor> list => ToArray(list, "dataset"),
            ITuple tuple => [.. Enumerable.Range(0, tuple.Length).Select(i => tuple[i] as Tensor ?? throw new NotSupportedException(
                $"Model {Name}: item {i} of a tuple of {what}s in a dataset element is {tuple[i]?.GetType().Name ?? "null"}; a tuple of {what}s holds tensors."))],
            null => throw new ArgumentException($"Model {Name}: a dataset element has null {what}s."),
            _ => throw new NotSupportedException($"Model {Name}: a dataset element's {what}s are a {side.GetType().Name}, which is not a supported structure."),
        };
        return Array.IndexOf(tensors, null) < 0
            ? tensors
            : throw new ArgumentException($"Model {Name}: a dataset element holds a null {what} tensor.");
    }

    // The structures a side of an element may have, checked before the first batch is drawn.
    private static void CheckElementSide<T>(string what, string side)
    {
        Type type = typeof(T);
        if (!typeof(Tensor).IsAssignableFrom(type) && !typeof(IReadOnlyDictionary<string, Tensor>).IsAssignableFrom(type)
            && !typeof(IReadOnlyList<Tensor>).IsAssignableFrom(type) && !typeof(ITuple).IsAssignableFrom(type))
        {
            throw new NotSupportedException(
                $"{what}: the {side} of a dataset element are a {type.Name}; give a Tensor, a Tensor[] (or another list of tensors), a tuple " +
                "of tensors, or an IReadOnlyDictionary<string, Tensor> keyed by the model's input (or output) names.");
        }
    }
}
