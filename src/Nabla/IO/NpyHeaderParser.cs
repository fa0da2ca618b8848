using System.Globalization;

namespace Nabla.IO;

/// <summary>
/// Parses the Python dict literal of a <c>.npy</c> header, as NumPy's <c>safe_eval</c> would accept it, but only
/// what the format allows: exactly the keys <c>descr</c> (a string), <c>fortran_order</c> (<c>True</c>/<c>False</c>)
/// and <c>shape</c> (a tuple of non-negative integers), in any order, with optional trailing commas.
/// </summary>
internal ref struct NpyHeaderParser
{
    private readonly string _text;
    private readonly string _source;
    private int _position;

    private NpyHeaderParser(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>The header's dtype, order and shape.</summary>
    /// <exception cref="InvalidDataException">When the text is not such a dict.</exception>
    public static (NpyDType Type, bool FortranOrder, int[] Shape) Parse(string text, string source)
    {
        var parser = new NpyHeaderParser(text, source);
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        parser.Expect('{');
        while (!parser.TryConsume('}'))
        {
            string key = parser.ReadString();
            parser.Expect(':');
            switch (key)
            {
                case "descr" when descr is null:
                    if (parser.Peek() != '\'' && parser.Peek() != '"')
                    {
                        throw new NotSupportedException($"NumPy: {source} holds a structured dtype; only plain numeric and bool arrays are supported.");
                    }

                    descr = parser.ReadString();
                    break;
                case "fortran_order" when fortran is null:
                    fortran = parser.ReadBool();
                    break;
                case "shape" when shape is null:
                    shape = parser.ReadShape();
                    break;
                default:
                    throw parser.Error($"an unexpected or repeated key '{key}'");
            }

            if (!parser.TryConsume(','))
            {
                parser.Expect('}');
                break;
            }
        }

        parser.SkipSpace();
        if (parser._position != text.Length)
        {
            throw parser.Error("text after the dict");
        }

        if (descr is null || fortran is null || shape is null)
        {
            throw parser.Error("a missing key (it needs 'descr', 'fortran_order' and 'shape')");
        }

        return (NpyDType.Parse(descr, source), fortran.Value, shape);
    }

    private int[] ReadShape()
    {
        Expect('(');
        var dims = new List<int>();
        while (!TryConsume(')'))
        {
            SkipSpace();
            int start = _position;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                _position++;
            }

            if (start == _position || !int.TryParse(_text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
            {
                throw Error("a shape that is not a tuple of non-negative integers below 2^31");
            }

            dims.Add(dim);
            if (!TryConsume(','))
            {
                Expect(')');
                break;
            }
        }

        if (dims.Count > 64)
        {
            throw Error($"a shape of rank {dims.Count}");
        }

        return [.. dims];
    }

    private bool ReadBool()
    {
        SkipSpace();
        foreach ((string word, bool value) in (ReadOnlySpan<(string, bool)>)[("True", true), ("False", false)])
        {
            if (string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0)
            {
                _position += word.Length;
                return value;
            }
        }

        throw Error("a fortran_order that is not True or False");
    }

    private string ReadString()
    {
        SkipSpace();
        char quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            throw Error("a key or descr that is not a quoted string");
        }

        int end = _text.IndexOf(quote, _position + 1);
        if (end < 0)
        {
            throw Error("an unterminated string");
        }

        string value = _text[(_position + 1)..end];
        _position = end + 1;
        return value;
    }

    private char Peek()
    {
        SkipSpace();
        return _position < _text.Length ? _text[_position] : '\0';
    }

    private bool TryConsume(char c)
    {
        if (Peek() != c)
        {
            return false;
        }

        _position++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"'{c}' expected at offset {_position}");
        }
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private readonly InvalidDataException Error(string what) =>
        new($"NumPy: {_source} has a malformed header ({what}): {(_text.Length > 200 ? _text[..200] + "..." : _text.TrimEnd())}");
}
