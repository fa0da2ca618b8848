using Nabla.Keras.Callbacks;

namespace Nabla.Keras;

/// <summary>
/// Inputs and targets given by name (Keras's <c>model({"a": x, "b": y})</c> and <c>fit({"a": x, "b": y}, {"out": t})</c>):
/// a dictionary keyed by the names of the model's <c>Keras.Input</c>s (<see cref="InputNames"/>), or of its outputs
/// (<see cref="OutputNames"/>) for targets, put in the model's order and run as the lists are.
/// </summary>
public partial class Model
{
    /// <summary>Calls a model of one output on its inputs by name (Keras's <c>model({"a": x, "b": y})</c>).</summary>
    /// <param name="inputs">One tensor per model input, keyed by the input's name.</param>
    /// <param name="training">Whether the call is for training.</param>
    /// <exception cref="ArgumentException">When a name is missing or is not an input of the model.</exception>
    public Tensor Apply(IReadOnlyDictionary<string, Tensor> inputs, bool training = false) =>
        Apply(ByName(inputs, InputNames, "input", nameof(inputs)), training);

    /// <summary>Calls the model on its inputs by name and returns every output, in <see cref="Outputs"/>' order.</summary>
    /// <param name="inputs">One tensor per model input, keyed by the input's name.</param>
    /// <param name="training">Whether the call is for training.</param>
    /// <exception cref="ArgumentException">When a name is missing or is not an input of the model.</exception>
    public Tensor[] ApplyOutputs(IReadOnlyDictionary<string, Tensor> inputs, bool training = false) =>
        ApplyOutputs(ByName(inputs, InputNames, "input", nameof(inputs)), training);

    /// <summary>
    /// Trains on inputs by name (Keras's <c>fit({"a": x1, "b": x2}, y)</c>); the parameters are the list overload's
    /// (<see cref="Fit(IReadOnlyList{Tensor}, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{IReadOnlyList{Tensor}, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/>).
    /// </summary>
    /// <param name="x">One tensor per model input, keyed by the input's name.</param>
    /// <param name="y">The targets.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationSplit">The fraction of samples held out for validation.</param>
    /// <param name="shuffle">Whether to shuffle before each epoch.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, Tensor y, int epochs = 1, int batchSize = 32, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, bool shuffle = true, int? seed = null, TextWriter? output = null,
        CancellationToken cancellationToken = default) =>
        Fit(ByName(x, InputNames, "input", nameof(x)), [y ?? throw new ArgumentNullException(nameof(y))], epochs, batchSize, verbose, callbacks,
            validationSplit, null, shuffle, seed, output: output, cancellationToken: cancellationToken);

    /// <summary>
    /// Trains on inputs and targets by name (Keras's <c>fit({"a": x1, "b": x2}, {"out_1": y1, "out_2": y2})</c>): the
    /// targets are keyed by the output names (<see cref="OutputNames"/>, the names the history uses).
    /// </summary>
    /// <param name="x">One tensor per model input, keyed by the input's name.</param>
    /// <param name="y">One tensor of targets per model output, keyed by the output's name.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks.</param>
    /// <param name="validationSplit">The fraction of samples held out for validation.</param>
    /// <param name="shuffle">Whether to shuffle before each epoch.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="output">Where progress is printed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int epochs = 1, int batchSize = 32,
        int verbose = 1, IEnumerable<Callback>? callbacks = null, double validationSplit = 0, bool shuffle = true, int? seed = null,
        TextWriter? output = null, CancellationToken cancellationToken = default) =>
        Fit(ByName(x, InputNames, "input", nameof(x)), ByName(y, OutputNames, "output", nameof(y)), epochs, batchSize, verbose, callbacks,
            validationSplit, null, shuffle, seed, output: output, cancellationToken: cancellationToken);

    /// <summary>The loss and metrics on inputs by name and targets (Keras's <c>evaluate({"a": x1, "b": x2}, y)</c>).</summary>
    /// <param name="x">One tensor per model input, keyed by the input's name.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="verbose">0 silent; 1 or 2 print Keras's summary line.</param>
    /// <param name="returnDict">Whether the result prints as a dictionary.</param>
    public EvaluationResult Evaluate(IReadOnlyDictionary<string, Tensor> x, Tensor y, int batchSize = 32, int verbose = 1, bool returnDict = false) =>
        Evaluate(ByName(x, InputNames, "input", nameof(x)), y, batchSize, verbose, returnDict);

    /// <summary>The predictions for inputs by name (Keras's <c>predict({"a": x1, "b": x2})</c>): one tensor per output.</summary>
    /// <param name="x">One tensor per model input, keyed by the input's name.</param>
    /// <param name="batchSize">Samples per batch.</param>
    public Tensor[] Predict(IReadOnlyDictionary<string, Tensor> x, int batchSize = 32) =>
        Predict(ByName(x, InputNames, "input", nameof(x)), batchSize);

    // The tensors in the model's order of names; Keras's error for a missing name, and one for a name the model lacks.
    private Tensor[] ByName(IReadOnlyDictionary<string, Tensor> byName, IReadOnlyList<string> names, string what, string parameter)
    {
        ArgumentNullException.ThrowIfNull(byName, parameter);
        if (!IsFunctional)
        {
            throw new ArgumentException(
                $"Model {Name} is not a functional model: it has no {what} names, so it takes tensors or lists, not a dictionary.", parameter);
        }

        string expected = $"['{string.Join("', '", names)}']", given = $"['{string.Join("', '", byName.Keys)}']";
        foreach (string key in byName.Keys)
        {
            if (!names.Contains(key))
            {
                throw new ArgumentException(
                    $"Model {Name} has no {what} named '{key}'. You passed a data dictionary with keys {given}. Expected the following keys: {expected}.",
                    parameter);
            }
        }

        var ordered = new Tensor[names.Count];
        for (int i = 0; i < ordered.Length; i++)
        {
            ordered[i] = byName.TryGetValue(names[i], out Tensor? t) && t is not null
                ? t
                : throw new ArgumentException(
                    $"Missing data for {what} '{names[i]}' of model {Name}. You passed a data dictionary with keys {given}. Expected the following keys: {expected}.",
                    parameter);
        }

        return ordered;
    }
}
