using System.Text;

namespace Nabla.Data;

/// <summary>
/// Splits CSV text into records of fields, streaming (RFC 4180 as TensorFlow's <c>CsvDataset</c> reads it): a field
/// that starts with a quote runs to the closing quote and may hold delimiters, line breaks and doubled quotes
/// (<c>""</c> for one); records end at <c>\n</c>, <c>\r\n</c> or <c>\r</c>; blank lines are skipped.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, string source, char delimiter, bool useQuoteDelimiter)
{
    private readonly StringBuilder _field = new();
    private int _line = 1;

    /// <summary>The 1-based line where the last record returned by <see cref="Read"/> started.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Reads the next record's fields into <paramref name="fields"/>; false at the end of the text.</summary>
    /// <exception cref="InvalidDataException">On a quote inside an unquoted field, text after a closing quote, or an unterminated quote.</exception>
    public bool Read(List<string> fields)
    {
        fields.Clear();
        while (true)
        {
            int c = reader.Peek();
            if (c < 0)
            {
                return false;
            }

            if (c is '\n' or '\r')
            {
                ReadLineBreak();   // a blank line
                continue;
            }

            break;
        }

        RecordLine = _line;
        while (true)
        {
            bool endOfRecord = ReadField(out string field);
            fields.Add(field);
            if (endOfRecord)
            {
                return true;
            }
        }
    }

    // One field and what ends it: true at the end of the record (a line break or the end of the text).
    private bool ReadField(out string field)
    {
        _field.Clear();
        if (useQuoteDelimiter && reader.Peek() == '"')
        {
            reader.Read();
            int startLine = _line;
            while (true)
            {
                int c = reader.Read();
                if (c < 0)
                {
                    throw Error($"a quoted field starting on line {startLine} has no closing quote");
                }

                if (c == '"')
                {
                    if (reader.Peek() != '"')
                    {
                        break;
                    }

                    reader.Read();
                }

                if (c == '\n' || (c == '\r' && reader.Peek() != '\n'))
                {
                    _line++;
                }

                _field.Append((char)c);
            }

            field = _field.ToString();
            int next = reader.Peek();
            if (next >= 0 && next != delimiter && next != '\n' && next != '\r')
            {
                throw Error($"unexpected '{(char)next}' after the closing quote of a field");
            }

            return EndOfField();
        }

        while (true)
        {
            int c = reader.Peek();
            if (c < 0 || c == delimiter || c == '\n' || c == '\r')
            {
                field = _field.ToString();
                return EndOfField();
            }

            if (useQuoteDelimiter && c == '"')
            {
                throw Error("unquoted fields cannot have quotes inside");
            }

            _field.Append((char)reader.Read());
        }
    }

    // Consumes the delimiter or line break after a field; true when the record ends.
    private bool EndOfField()
    {
        int c = reader.Peek();
        if (c == delimiter)
        {
            reader.Read();
            return false;
        }

        if (c >= 0)
        {
            ReadLineBreak();
        }

        return true;
    }

    private void ReadLineBreak()
    {
        if (reader.Read() == '\r' && reader.Peek() == '\n')
        {
            reader.Read();
        }

        _line++;
    }

    private InvalidDataException Error(string what) => new($"FromCsv: {what} (line {_line} of {source}).");
}
