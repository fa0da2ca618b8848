using System.Globalization;

namespace Nabla.Data;

/// <summary>The columns of a CSV source: their names, which are kept, and each kept column's type.</summary>
internal sealed class CsvLayout
{
    private CsvLayout(string[] names, int[] selected, CsvColumn[] types, string source)
    {
        Names = names;
        Selected = selected;
        Types = types;
        Source = source;
    }

    /// <summary>Every column's name, in file order.</summary>
    public string[] Names { get; }

    /// <summary>The kept columns' indices, in output order.</summary>
    public int[] Selected { get; }

    /// <summary>The type of each kept column.</summary>
    public CsvColumn[] Types { get; }

    private string Source { get; }

    /// <summary>Reads the header and, when no types are given, the first records, and checks the layout.</summary>
    public static CsvLayout Read(Func<TextReader> open, CsvFormat format, IReadOnlyList<CsvColumn>? columns, bool header,
        IReadOnlyList<string>? columnNames, IReadOnlyList<string>? selectColumns, int inferenceRows)
    {
        using TextReader text = open();
        var reader = new CsvRecordReader(text, format.Source, format.Delimiter, format.UseQuotes);
        var first = new List<string>();
        bool any = reader.Read(first);
        string[] names = columnNames is not null ? [.. columnNames]
            : header ? (any ? [.. first] : throw new InvalidDataException($"FromCsv: {format.Source} is empty; a header was expected."))
            : [.. Enumerable.Range(0, any ? first.Count : columns?.Count ?? 0).Select(i => string.Create(CultureInfo.InvariantCulture, $"column_{i}"))];
        CheckNames(names, format.Source);
        int[] selected = Select(names, selectColumns, format.Source);

        if (columns is not null)
        {
            for (int i = 0; i < Math.Min(columns.Count, selected.Length); i++)
            {
                ArgumentNullException.ThrowIfNull(columns[i], nameof(columns));
                CsvValues.CheckDefault(columns[i], names[selected[i]], format.Source);
            }

            return columns.Count == selected.Length
                ? new CsvLayout(names, selected, [.. columns], format.Source)
                : throw new InvalidDataException(
                    $"FromCsv: {columns.Count} column types were given for the {selected.Length} selected columns of {format.Source} " +
                    $"({string.Join(", ", selected.Select(i => names[i]))}).");
        }

        // Infer the types from the first records (the first one too when it is not a header).
        var untyped = new CsvLayout(names, selected, [], format.Source);
        var samples = new List<string[]>();
        var fields = new List<string>();
        if (!header && any)
        {
            untyped.CheckFieldCount(first, 0, reader.RecordLine);
            samples.Add([.. first]);
        }

        while (samples.Count < inferenceRows && reader.Read(fields))
        {
            untyped.CheckFieldCount(fields, samples.Count, reader.RecordLine);
            samples.Add([.. fields]);
        }

        return new CsvLayout(names, selected, [.. selected.Select(i => CsvValues.Infer(names[i], samples, i, format))], format.Source);
    }

    /// <summary>TensorFlow's "Expect N fields but have M in record R", with the line.</summary>
    public void CheckFieldCount(IReadOnlyList<string> fields, long record, int line)
    {
        if (fields.Count != Names.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"FromCsv: expect {Names.Length} fields but have {fields.Count} in record {record} (line {line} of {Source})."));
        }
    }

    private static void CheckNames(string[] names, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (name.Length == 0 || !seen.Add(name))
            {
                throw new InvalidDataException(
                    $"FromCsv: column names must be unique and non-empty; {source} has [{string.Join(", ", names)}].");
            }
        }
    }

    private static int[] Select(string[] names, IReadOnlyList<string>? selectColumns, string source)
    {
        if (selectColumns is null)
        {
            return [.. Enumerable.Range(0, names.Length)];
        }

        var selected = new int[selectColumns.Count];
        for (int i = 0; i < selected.Length; i++)
        {
            selected[i] = Array.IndexOf(names, selectColumns[i]);
            if (selected[i] < 0)
            {
                throw new InvalidDataException(
                    $"FromCsv: no column '{selectColumns[i]}' in {source}; its columns are [{string.Join(", ", names)}].");
            }
        }

        return selected;
    }
}
