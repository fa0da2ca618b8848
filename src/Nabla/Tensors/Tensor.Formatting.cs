namespace Nabla;

/// <summary>The four texts of a tensor, as TensorFlow and NumPy print them (see <see cref="Tensor.ToString()"/>).</summary>
internal enum TensorText
{
    /// <summary>The values as NumPy's <c>str</c>: <c>[1 2 3]</c> (format <c>"v"</c>).</summary>
    Values,

    /// <summary>The values as NumPy's <c>repr</c>: <c>array([1, 2, 3], dtype=int32)</c> (format <c>"a"</c>).</summary>
    NumPyRepr,

    /// <summary>TensorFlow's <c>str</c>, what <c>print</c> shows: <c>Tensor([1 2 3], shape=(3,), dtype=int32)</c> (format <c>"s"</c>).</summary>
    Print,

    /// <summary>TensorFlow's <c>repr</c>, what a notebook displays: <c>&lt;Tensor: shape=(3,), dtype=int32, numpy=array(...)&gt;</c> (format <c>"r"</c>).</summary>
    Display,
}

public partial class Tensor : ISpanFormattable
{
    // TryFormat may be called again with a larger buffer: the last text made on this thread is kept for the retry.
    [ThreadStatic]
    private static (Tensor? Tensor, TensorText Kind, string? Text) t_lastFormatted;

    /// <summary>
    /// TensorFlow's <c>str(t)</c>, what <c>print(t)</c> shows: <c>Tensor(108.0, shape=(), dtype=float32)</c>, values longer
    /// than one line starting on their own line. <c>Console.WriteLine(t)</c> prints this; string interpolation
    /// (<c>$"Hello {Tf.Square(5)}"</c> is <c>Hello 25</c>) prints the values alone, as TensorFlow's f-strings do.
    /// Other forms by format string: <c>"v"</c> the values (NumPy's <c>str</c>), <c>"a"</c> the values as NumPy's
    /// <c>repr</c> (<c>array([1, 2], dtype=int32)</c>), <c>"s"</c> this form, <c>"r"</c> the notebook display form
    /// (TensorFlow's <c>repr</c>: <c>&lt;Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)&gt;</c>).
    /// </summary>
    public override string ToString() => Text(TensorText.Print);

    /// <summary>
    /// The text named by <paramref name="format"/> (<c>"v"</c>, <c>"a"</c>, <c>"s"</c> or <c>"r"</c>; see <see cref="ToString()"/>);
    /// with no format, the <c>print</c> form, as <c>Console.WriteLine(t)</c> asks for it.
    /// </summary>
    /// <exception cref="FormatException">When the format is none of those.</exception>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        string.IsNullOrEmpty(format) ? Text(TensorText.Print) : Text(Parse(format));

    /// <summary>
    /// Writes the text named by <paramref name="format"/>; with no format, the values, as TensorFlow's <c>f"{t}"</c>
    /// (variables too, as API.md's <c>$"Weight {w}"</c>; TensorFlow would show a variable's display form, <c>{w:r}</c>).
    /// </summary>
    /// <exception cref="FormatException">When the format is none of <c>"v"</c>, <c>"a"</c>, <c>"s"</c>, <c>"r"</c>.</exception>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        TensorText kind = format.IsEmpty ? TensorText.Values : Parse(format);
        (Tensor? tensor, TensorText lastKind, string? text) = t_lastFormatted;
        if (!ReferenceEquals(tensor, this) || lastKind != kind || text is null)
        {
            text = Text(kind);
        }

        if (text.TryCopyTo(destination))
        {
            t_lastFormatted = default;
            charsWritten = text.Length;
            return true;
        }

        t_lastFormatted = (this, kind, text);
        charsWritten = 0;
        return false;
    }

    /// <summary>The text of the given kind; a graph tensor has no values and always shows its own form, as TensorFlow's.</summary>
    internal virtual string Text(TensorText kind) => this is SymbolicTensor ? ToString() : kind switch
    {
        TensorText.Values => Formatting.Values(this),
        TensorText.NumPyRepr => Formatting.NumPyRepr(this),
        TensorText.Display => Formatting.Repr(this, "Tensor:", ","),
        _ => Formatting.Str(this),
    };

    private static TensorText Parse(ReadOnlySpan<char> format) => format switch
    {
        "v" or "V" => TensorText.Values,
        "a" or "A" => TensorText.NumPyRepr,
        "s" or "S" => TensorText.Print,
        "r" or "R" => TensorText.Display,
        _ => throw new FormatException(
            $"Tensor format '{format}' is not one of \"v\" (values), \"a\" (NumPy's array repr), \"s\" (print form) or \"r\" (display form)."),
    };
}

/// <summary>Builds the text of tensors: values through <see cref="NumPyFormatter"/>, wrapped in TensorFlow's forms.</summary>
internal static class Formatting
{
    public static string Values(Tensor tensor)
    {
        Tensor value = tensor.ReadForOp();
        return NumPyFormatter.Format(value.Buffer, value.Shape.Dims, value.DType);
    }

    public static string NumPyRepr(Tensor tensor)
    {
        Tensor value = tensor.ReadForOp();
        return NumPyFormatter.Repr(value.Buffer, value.Shape.Dims, value.DType);
    }

    /// <summary>TensorFlow's repr layout; <paramref name="afterShape"/> is "," for tensors and "" for variables, as TensorFlow prints them.</summary>
    public static string Repr(Tensor tensor, string head, string afterShape)
    {
        string values = NumPyRepr(tensor);
        return $"<{head} shape={tensor.Shape}{afterShape} dtype={tensor.DType}, numpy={OwnLineIfLong(values)}>";
    }

    /// <summary>TensorFlow's str layout: <c>Tensor(values, shape=..., dtype=...)</c>.</summary>
    public static string Str(Tensor tensor) => $"Tensor({OwnLineIfLong(Values(tensor))}, shape={tensor.Shape}, dtype={tensor.DType})";

    // TensorFlow's numpy_text: values of several lines start on a line of their own.
    private static string OwnLineIfLong(string values) => values.Contains('\n', StringComparison.Ordinal) ? "\n" + values : values;
}
