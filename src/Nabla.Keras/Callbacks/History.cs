using Nabla.Keras.Callbacks;

namespace Nabla.Keras;

/// <summary>
/// What <c>Fit</c> returns (Keras's <c>History</c> callback): each epoch's logs, by key
/// (<c>history["loss"]</c>, <c>history["val_accuracy"]</c>).
/// </summary>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    private readonly List<int> _epochs = [];

    /// <summary>The epochs recorded (0-based), as Keras's <c>history.epoch</c>.</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>Each epoch's mean training loss (<c>this["loss"]</c>).</summary>
    public IReadOnlyList<double> Loss => this["loss"];

    /// <summary>The keys recorded, in order of first appearance (<c>loss</c>, metrics, <c>val_loss</c>...).</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>Each epoch's value of <paramref name="key"/> (Keras's <c>history.history[key]</c>); empty when never logged.</summary>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out List<double>? list) ? list : [];

    /// <summary>Whether <paramref name="key"/> was logged.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _epochs.Add(epoch);
        foreach ((string key, double value) in logs)
        {
            if (!_values.TryGetValue(key, out List<double>? list))
            {
                list = [];
                _values[key] = list;
            }

            list.Add(value);
        }
    }
}
