using System.Collections;
using System.Globalization;
using System.Text;

namespace Nabla.Keras;

/// <summary>
/// What <see cref="Model.Evaluate(Tensor, Tensor, int, int, bool, TextWriter?, CancellationToken)"/> returns: the loss, then each compiled metric, in Keras's order. It reads the way
/// Keras's return value is used: a <c>double</c> (the loss, as Keras returns a scalar without metrics),
/// a list (<c>var (testLoss, testAcc) = model.Evaluate(...)</c>, <c>result[1]</c>), or, as with
/// <c>return_dict=True</c>, by name (<c>result["accuracy"]</c>). <see cref="ToString"/> prints it as Python prints
/// Keras's return value: <c>0.25</c>, <c>[0.25, 0.875]</c>, or <c>{'loss': 0.25, 'accuracy': 0.875}</c> when the
/// dictionary form was asked for.
/// </summary>
public sealed class EvaluationResult : IReadOnlyList<double>
{
    private readonly string[] _names;
    private readonly double[] _values;

    /// <summary>Creates the result from the metrics' values by name, loss first.</summary>
    /// <param name="logs">The values by name, in order.</param>
    /// <param name="isDictionary">Whether the dictionary form (Keras's <c>return_dict=True</c>) was asked for.</param>
    public EvaluationResult(IReadOnlyDictionary<string, double> logs, bool isDictionary = false)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _names = [.. logs.Keys];
        _values = [.. logs.Values];
        IsDictionary = isDictionary;
    }

    /// <summary>Whether the dictionary form was asked for (only <see cref="ToString"/> differs).</summary>
    public bool IsDictionary { get; }

    /// <summary>The loss (the first value).</summary>
    public double Loss => _values.Length > 0 ? _values[0] : double.NaN;

    /// <summary>The names, loss first (Keras's <c>model.metrics_names</c>).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <summary>The value at <paramref name="index"/>: 0 is the loss, then the metrics in compile order.</summary>
    public double this[int index] => _values[index];

    /// <summary>The value named <paramref name="name"/> (<c>"loss"</c>, <c>"accuracy"</c>...).</summary>
    /// <exception cref="KeyNotFoundException">When no value has that name; the message lists the names.</exception>
    public double this[string name] => TryGetValue(name, out double value) ? value
        : throw new KeyNotFoundException($"Evaluate has no result named '{name}'; it has [{string.Join(", ", _names)}].");

    /// <summary>Whether a value is named <paramref name="name"/>.</summary>
    public bool ContainsKey(string name) => Array.IndexOf(_names, name) >= 0;

    /// <summary>The value named <paramref name="name"/>, if any.</summary>
    public bool TryGetValue(string name, out double value)
    {
        int index = Array.IndexOf(_names, name);
        value = index >= 0 ? _values[index] : double.NaN;
        return index >= 0;
    }

    /// <summary>The values by name, loss first (Keras's <c>return_dict=True</c> form).</summary>
    public Dictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            result[_names[i]] = _values[i];
        }

        return result;
    }

    /// <summary>The loss, as <c>double loss = model.Evaluate(x, y)</c> reads it.</summary>
    public double ToDouble() => Loss;

    /// <summary>The loss (Keras returns a scalar when no metric was compiled).</summary>
    /// <param name="result">The result.</param>
    public static implicit operator double(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Loss;
    }

    /// <summary>The loss and the first metric: <c>var (testLoss, testAcc) = model.Evaluate(...)</c>.</summary>
    public void Deconstruct(out double loss, out double metric)
    {
        RequireCount(2);
        (loss, metric) = (_values[0], _values[1]);
    }

    /// <summary>The loss and the first two metrics.</summary>
    public void Deconstruct(out double loss, out double metric1, out double metric2)
    {
        RequireCount(3);
        (loss, metric1, metric2) = (_values[0], _values[1], _values[2]);
    }

    /// <inheritdoc/>
    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)_values).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>As Python prints Keras's return value: a number, a list, or a dictionary with <c>returnDict</c>.</summary>
    public override string ToString()
    {
        if (!IsDictionary && _values.Length == 1)
        {
            return Number(_values[0]);
        }

        var text = new StringBuilder(IsDictionary ? "{" : "[");
        for (int i = 0; i < _values.Length; i++)
        {
            text.Append(i > 0 ? ", " : string.Empty);
            if (IsDictionary)
            {
                text.Append('\'').Append(_names[i]).Append("': ");
            }

            text.Append(Number(_values[i]));
        }

        return text.Append(IsDictionary ? '}' : ']').ToString();
    }

    // Python's repr of a float: the shortest round-trip digits, always with a point or an exponent.
    private static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }

    private void RequireCount(int count)
    {
        if (_values.Length != count)
        {
            throw new InvalidOperationException(
                $"Evaluate returned {_values.Length} values [{string.Join(", ", _names)}]; deconstruct into that many.");
        }
    }
}
