using Nabla.Keras.Callbacks;

namespace Nabla.Keras;

/// <summary>
/// What <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> returns (Keras's <c>History</c> callback): each epoch's logs, by key, as Keras's
/// <c>history.history["loss"]</c> (<see cref="HistoryCallback.History"/>) or directly <c>history["loss"]</c>.
/// </summary>
public sealed class History : HistoryCallback
{
    private readonly List<int> _epochs = [];

    /// <summary>The epochs recorded (0-based), as Keras's <c>history.epoch</c>.</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>Each epoch's mean training loss (<c>this["loss"]</c>).</summary>
    public IReadOnlyList<double> Loss => this["loss"];

    /// <summary>The keys recorded, in order of first appearance (<c>loss</c>, metrics, <c>val_loss</c>...).</summary>
    public IReadOnlyCollection<string> Keys => Values.Keys;

    /// <summary>Each epoch's value of <paramref name="key"/> (Keras's <c>history.history[key]</c>); empty when never logged.</summary>
    public IReadOnlyList<double> this[string key] => Values.TryGetValue(key, out List<double>? list) ? list : [];

    /// <summary>Whether <paramref name="key"/> was logged.</summary>
    public bool ContainsKey(string key) => Values.ContainsKey(key);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _epochs.Add(epoch);
        foreach ((string key, double value) in logs)
        {
            if (!Values.TryGetValue(key, out List<double>? list))
            {
                list = [];
                Values[key] = list;
            }

            list.Add(value);
        }
    }
}

/// <summary>
/// The base of <see cref="Nabla.Keras.History"/>: it holds the logs and exposes them under Keras's name,
/// <c>history.History["loss"]</c> (Keras's <c>history.history</c>). C# does not let a class declare a member named
/// like itself, so the property lives here.
/// </summary>
public abstract class HistoryCallback : Callback
{
    /// <summary>Each key's values, one per epoch, in order of first appearance.</summary>
    private protected Dictionary<string, List<double>> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Each epoch's logs by key (Keras's <c>history.history</c>): <c>History["loss"]</c>, <c>History["val_accuracy"]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> History =>
        Values.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<double>)pair.Value.AsReadOnly(), StringComparer.Ordinal);
}
