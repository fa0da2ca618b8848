using Nabla.Data;
using Nabla.Keras.Callbacks;

namespace Nabla.Keras;

/// <summary>
/// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on datasets of (inputs, targets, sample weights) elements, as Keras's
/// <c>fit(tf.data.Dataset.from_tensor_slices((x, y, w)))</c>: each sample's loss is multiplied by its weight before the
/// loss is averaged over the batch (Keras's <c>sum_over_batch_size</c>: divided by the batch size, not by the sum of the
/// weights), for every output alike. As in Keras 3, the weights reach the losses only: the compiled metrics are not
/// weighted, and the <c>loss</c> log is the mean of the batches' losses weighted by their sizes.
/// </summary>
public partial class Model
{
    /// <summary>
    /// Trains on (inputs, targets, sample weights) batches (Keras's <c>fit</c> on a dataset of <c>(x, y, sample_weight)</c>);
    /// inputs and targets take every structure of
    /// <see cref="Fit{TInputs, TTargets}(Dataset{ValueTuple{TInputs, TTargets}}, int, int, IEnumerable{Callback}?, Dataset{ValueTuple{TInputs, TTargets}}?, int?, int?, int, TextWriter?, bool?, CancellationToken)"/>,
    /// and the rest of the parameters are its.
    /// </summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets, sample weights): one weight per sample (shape <c>(batch,)</c> or <c>(batch, 1)</c>), or per loss value.</param>
    /// <param name="epochs">The number of epochs.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationData">Weighted batches evaluated at the end of each epoch (<c>val_</c> metrics).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required for an endless dataset.</param>
    /// <param name="validationSteps">Batches of <paramref name="validationData"/> per evaluation; all by default.</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <exception cref="ArgumentException">When a batch's weights are not one per sample of its inputs.</exception>
    public History Fit<TInputs, TTargets>(Dataset<(TInputs, TTargets, Tensor)> dataset, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, Dataset<(TInputs, TTargets, Tensor)>? validationData = null, int? stepsPerEpoch = null,
        int? validationSteps = null, int initialEpoch = 0, TextWriter? output = null, bool? interactive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckElementSide<TInputs>("Fit", "inputs");
        CheckElementSide<TTargets>("Fit", "targets");
        return FitBatches(dataset, UnpackWeighted, validationData, epochs, verbose, callbacks, stepsPerEpoch, validationSteps, initialEpoch, output,
            interactive, cancellationToken);
    }

    /// <summary>
    /// The loss (each sample's loss weighted) and the metrics over (inputs, targets, sample weights) batches (Keras's
    /// <c>evaluate</c> on a dataset of <c>(x, y, sample_weight)</c>).
    /// </summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets, sample weights).</param>
    /// <param name="steps">How many batches to evaluate; all by default (required for an endless dataset).</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary.</param>
    /// <param name="output">Where the line is printed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public EvaluationResult Evaluate<TInputs, TTargets>(Dataset<(TInputs, TTargets, Tensor)> dataset, int? steps = null, int verbose = 1,
        bool returnDict = false, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        CheckVerbose("Evaluate", verbose);
        CheckElementSide<TInputs>("Evaluate", "inputs");
        CheckElementSide<TTargets>("Evaluate", "targets");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Dictionary<string, double> logs = EvaluateBatches(dataset, UnpackWeighted, steps, cancellationToken, out int batches);
        return EvaluationSummary(logs, batches, started, verbose, returnDict, output);
    }

    /// <summary>The loss (each sample's loss weighted) and every compiled metric over (inputs, targets, sample weights) batches, by name.</summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">A tensor, a list or tuple of tensors, or a dictionary by output name.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets, sample weights).</param>
    /// <param name="steps">How many batches to evaluate; all by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Dictionary<string, double> EvaluateMetrics<TInputs, TTargets>(Dataset<(TInputs, TTargets, Tensor)> dataset, int? steps = null,
        CancellationToken cancellationToken = default)
    {
        CheckElementSide<TInputs>("Evaluate", "inputs");
        CheckElementSide<TTargets>("Evaluate", "targets");
        return EvaluateBatches(dataset, UnpackWeighted, steps, cancellationToken, out _);
    }

    /// <summary>The predictions for the inputs of (inputs, targets, sample weights) batches, one tensor per output; targets and weights are ignored, as Keras's <c>predict</c> does.</summary>
    /// <typeparam name="TInputs">A tensor, a list or tuple of tensors, or a dictionary by input name.</typeparam>
    /// <typeparam name="TTargets">Anything: the targets are not read.</typeparam>
    /// <param name="dataset">Batches of (inputs, targets, sample weights).</param>
    /// <param name="steps">How many batches to predict; all by default.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public Tensor[] Predict<TInputs, TTargets>(Dataset<(TInputs, TTargets, Tensor)> dataset, int? steps = null, CancellationToken cancellationToken = default)
    {
        CheckElementSide<TInputs>("Predict", "inputs");
        return PredictBatches(dataset, batch => CastInputs(Side(batch.Item1, InputNames, "input")), steps, cancellationToken);
    }

    // A weighted batch's inputs and targets as Unpack gives them, and its weights: one per sample of the inputs.
    private (Tensor[] X, Tensor[] Y, Tensor? SampleWeight) UnpackWeighted<TInputs, TTargets>((TInputs, TTargets, Tensor) batch)
    {
        (Tensor[] x, Tensor[] y, _) = Unpack((batch.Item1, batch.Item2));
        Tensor weights = batch.Item3 ?? throw new ArgumentException($"Model {Name}: a dataset element has null sample weights.");
        int samples = x[0].Rank > 0 ? x[0].Shape[0] : 1;
        if (weights.Rank == 0 || weights.Shape[0] != samples || !weights.DType.IsNumeric)
        {
            throw new ArgumentException(
                $"Model {Name}: the sample weights of a batch have shape {weights.Shape} ({weights.DType}), but its inputs hold {samples} " +
                "samples: give one numeric weight per sample (shape (batch,) or (batch, 1)) or per loss value.");
        }

        return (x, y, weights);
    }
}
