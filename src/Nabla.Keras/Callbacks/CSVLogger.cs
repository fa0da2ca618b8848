using System.Globalization;
using System.Text;
using Nabla.Keras.Distribute;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Streams each epoch's results to a CSV file (Keras's <c>keras.callbacks.CSVLogger</c>), as Keras writes it: an
/// <c>epoch</c> column (0-based) then the logs keys sorted, with a <c>val_</c> column for each when the first epoch
/// has no validation results (filled with <c>NA</c>); values as Python prints floats (<c>0.5</c>, <c>1.0</c>,
/// <c>1e-05</c>); fields quoted only when they hold the separator, a quote or a line break; lines end in <c>\r\n</c>
/// (Python's <c>csv</c> module). With <see cref="Append"/> the rows go after an existing file's, without a second
/// header. Each row is written and closed at the end of its epoch, so the file is readable while training runs.
/// Under a distribution strategy only the chief writes.
/// </summary>
public sealed class CSVLogger : Callback
{
    private const string LineEnd = "\r\n";
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private List<string>? _keys;
    private bool _writeHeader;

    /// <summary>Creates the callback.</summary>
    /// <param name="filename">The CSV file, e.g. <c>run/log.csv</c>; its folder is created when missing.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="append">Whether to add to an existing file (resuming training) rather than overwrite it.</param>
    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        if (separator.Contains('"', StringComparison.Ordinal) || separator.Contains('\r', StringComparison.Ordinal)
            || separator.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"CSVLogger: the separator cannot contain a quote or a line break, got '{separator}'.", nameof(separator));
        }

        Filename = filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Filename { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether rows are added to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _keys = null;
        if (!IsWriter())
        {
            return;
        }

        string? directory = Path.GetDirectoryName(Filename);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // As Keras: appending to a file whose first line is empty (or a new file) still writes the header.
        _writeHeader = true;
        if (Append && File.Exists(Filename))
        {
            using var reader = new StreamReader(Filename, s_utf8);
            _writeHeader = string.IsNullOrEmpty(reader.ReadLine());
        }

        using (new FileStream(Filename, Append ? FileMode.Append : FileMode.Create, FileAccess.Write))
        {
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!IsWriter())
        {
            return;
        }

        var text = new StringBuilder();
        if (_keys is null)
        {
            _keys = [.. logs.Keys.Order(StringComparer.Ordinal)];
            if (!_keys.Exists(key => key.StartsWith("val_", StringComparison.Ordinal)))
            {
                _keys.AddRange([.. _keys.Select(key => "val_" + key)]);
            }

            if (_writeHeader)
            {
                AppendRow(text, ["epoch", .. _keys]);
            }
        }

        var row = new List<string>(_keys.Count + 1) { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (string key in _keys)
        {
            row.Add(logs.TryGetValue(key, out double value) ? PythonFloat.Repr(value) : "NA");
        }

        AppendRow(text, row);
        File.AppendAllText(Filename, text.ToString(), s_utf8);
    }

    private bool IsWriter() => (RequireModel().DistributeStrategy ?? Distribution.Current) is not { WorkerIndex: not 0 };

    // Python's csv.QUOTE_MINIMAL: quote a field holding the separator, a quote or a line break; double its quotes.
    private void AppendRow(StringBuilder text, List<string> fields)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(Separator);
            }

            string field = fields[i];
            bool quote = field.Contains(Separator, StringComparison.Ordinal) || field.AsSpan().IndexOfAny("\"\r\n") >= 0;
            text.Append(quote ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field);
        }

        text.Append(LineEnd);
    }
}
