namespace Nabla.Data;

public static partial class Dataset
{
    /// <summary>
    /// The records of a CSV file, one element per record: a dictionary from column name to a scalar tensor, in the
    /// file's column order (TensorFlow's <c>CsvDataset</c> / <c>make_csv_dataset</c>, unbatched). The header (or
    /// <paramref name="columnNames"/>) names the columns; <paramref name="columns"/> gives one <see cref="CsvColumn"/>
    /// per selected column (its dtype and the default that fills a missing field); without them the types are inferred
    /// from the first <paramref name="inferenceRows"/> records (int32, then int64, then float32; missing values 0).
    /// The file is read lazily, one record at a time, on every iteration; the header and the inference rows are read
    /// once, here, so a wrong path or layout fails at once.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">One type per selected column (all columns when <paramref name="selectColumns"/> is null).</param>
    /// <param name="header">Whether the first record names the columns.</param>
    /// <param name="columnNames">Names for the columns (overriding the header); by default the header's, or <c>column_0</c>... without one.</param>
    /// <param name="selectColumns">The columns to keep, by name, in the output's order; all by default.</param>
    /// <param name="fieldDelimiter">The field separator.</param>
    /// <param name="useQuoteDelimiter">Whether a double quote starts a quoted field (RFC 4180); false treats quotes as text.</param>
    /// <param name="naValue">Text that, besides the empty field, marks a missing value (e.g. <c>"NA"</c>).</param>
    /// <param name="inferenceRows">How many records type inference reads.</param>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// When the layout does not fit (unknown or duplicate names, the wrong number of types, a non-numeric column), and
    /// while iterating for a bad record: the message names the column, the record and its line.
    /// </exception>
    public static Dataset<IReadOnlyDictionary<string, Tensor>> FromCsv(string path, IReadOnlyList<CsvColumn>? columns = null, bool header = true,
        IReadOnlyList<string>? columnNames = null, IReadOnlyList<string>? selectColumns = null, char fieldDelimiter = ',',
        bool useQuoteDelimiter = true, string naValue = "", int inferenceRows = 100)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"FromCsv: no file at '{path}'.", path);
        }

        return FromCsv(() => new StreamReader(path), Path.GetFileName(path), columns, header, columnNames, selectColumns, fieldDelimiter,
            useQuoteDelimiter, naValue, inferenceRows);
    }

    /// <summary>
    /// The records of CSV text from <paramref name="open"/>, called once to read the layout and once per iteration
    /// (see the overload with a path); <paramref name="sourceName"/> names the text in messages.
    /// </summary>
    public static Dataset<IReadOnlyDictionary<string, Tensor>> FromCsv(Func<TextReader> open, string sourceName, IReadOnlyList<CsvColumn>? columns = null,
        bool header = true, IReadOnlyList<string>? columnNames = null, IReadOnlyList<string>? selectColumns = null, char fieldDelimiter = ',',
        bool useQuoteDelimiter = true, string naValue = "", int inferenceRows = 100)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(naValue);
        if (fieldDelimiter is '\n' or '\r' || (useQuoteDelimiter && fieldDelimiter == '"'))
        {
            throw new ArgumentException($"FromCsv: '{fieldDelimiter}' cannot separate fields.", nameof(fieldDelimiter));
        }

        var format = new CsvFormat(sourceName, fieldDelimiter, useQuoteDelimiter, naValue);
        CsvLayout layout = CsvLayout.Read(open, format, columns, header, columnNames, selectColumns, Math.Max(1, inferenceRows));
        return new IteratorDataset<IReadOnlyDictionary<string, Tensor>>(() => ReadCsv(open, format, layout, header), () => UnknownCardinality);
    }

    private static IEnumerator<IReadOnlyDictionary<string, Tensor>> ReadCsv(Func<TextReader> open, CsvFormat format, CsvLayout layout, bool header)
    {
        using TextReader text = open();
        var reader = new CsvRecordReader(text, format.Source, format.Delimiter, format.UseQuotes);
        var fields = new List<string>();
        if (header)
        {
            reader.Read(fields);
        }

        for (long record = 0; reader.Read(fields); record++)
        {
            layout.CheckFieldCount(fields, record, reader.RecordLine);
            var element = new Dictionary<string, Tensor>(layout.Selected.Length, StringComparer.Ordinal);
            for (int i = 0; i < layout.Selected.Length; i++)
            {
                int index = layout.Selected[i];
                element[layout.Names[index]] = CsvValues.Parse(fields[index], layout.Types[i], layout.Names[index], format, record, reader.RecordLine);
            }

            yield return element;
        }
    }
}

/// <summary>How the text is split: the source's name for messages, the delimiter, quoting and the missing-value text.</summary>
internal sealed record CsvFormat(string Source, char Delimiter, bool UseQuotes, string NaValue);
