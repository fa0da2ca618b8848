using System.Globalization;
using System.Text;

namespace Nabla;

/// <summary>
/// Prints tensor values exactly as NumPy's <c>str(ndarray)</c> does with the default print options
/// (<c>np.array2string(a, separator=' ', prefix='')</c>: precision 8, <c>floatmode='maxprec'</c>, threshold
/// 1000, edgeitems 3, linewidth 75), independent of the current culture. It follows
/// <c>numpy/_core/arrayprint.py</c>: summarisation with <c>...</c>, per-dtype element formats sized from the
/// printed elements only, and <c>_formatArray</c>'s nesting, wrapping and blank lines between blocks.
/// </summary>
internal static class NumPyFormatter
{
    private const string SummaryInsert = "...";

    /// <summary>
    /// Formats a tensor's values.
    /// </summary>
    /// <param name="data">The tensor's flat row-major storage array: bool[], int[], long[], Half[], BFloat16[],
    /// float[] or double[] (its length may exceed the element count; only the first product(shape) elements are read).</param>
    /// <param name="shape">The tensor's shape; empty for a scalar, which prints like a NumPy scalar's str.</param>
    /// <param name="dtype">The element type; it must match the storage array.</param>
    /// <param name="lineWidth">Characters per line before wrapping.</param>
    /// <param name="threshold">Element count above which the output is summarised.</param>
    /// <param name="edgeItems">Items kept at each end of a summarised axis.</param>
    /// <param name="precision">Maximum fractional digits for floats.</param>
    /// <returns>The NumPy-style text.</returns>
    public static string Format(Array data, ReadOnlySpan<int> shape, DType dtype, int lineWidth = 75, int threshold = 1000, int edgeItems = 3, int precision = 8) =>
        Format(data, shape, dtype, repr: false, lineWidth, threshold, edgeItems, precision);

    /// <summary>
    /// Formats a tensor's values as NumPy's <c>repr(ndarray)</c> does (<c>array([1, 2], dtype=int32)</c>): elements
    /// separated by <c>", "</c>, continuation lines indented under <c>array(</c>, and the dtype appended unless NumPy
    /// implies it (int64, float64, bool), on a new line when it would pass the line width. A scalar prints as its value.
    /// </summary>
    public static string Repr(Array data, ReadOnlySpan<int> shape, DType dtype, int lineWidth = 75)
    {
        const string Prefix = "array(";
        if (shape.IsEmpty)
        {
            return Format(data, shape, dtype);
        }

        long size = 1;
        foreach (int dimension in shape)
        {
            size *= dimension;
        }

        bool impliedDType = dtype == DType.Int64 || dtype == DType.Float64 || dtype == DType.Bool;
        string body = size > 0 || shape.Length == 1
            ? Format(data, shape, dtype, repr: true, lineWidth - 1, threshold: 1000, edgeItems: 3, precision: 8)
            : $"[], shape={new Shape(shape.ToArray())}";
        if (impliedDType && size > 0)
        {
            return Prefix + body + ")";
        }

        // _array_repr_implementation: the dtype goes on its own line when it would overflow the last one.
        string text = Prefix + body + ",";
        string dtypeText = $"dtype={dtype})";
        int lastLine = text.Length - (text.LastIndexOf('\n') + 1);
        string spacer = lastLine + dtypeText.Length + 1 > lineWidth ? "\n" + new string(' ', Prefix.Length) : " ";
        return text + spacer + dtypeText;
    }

    private static string Format(Array data, ReadOnlySpan<int> shape, DType dtype, bool repr, int lineWidth, int threshold, int edgeItems, int precision)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(edgeItems);
        ArgumentOutOfRangeException.ThrowIfNegative(precision);

        long size = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            size *= dimension;
        }

        if (data.Length < size)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The storage holds {data.Length} elements but the shape needs {size}."),
                nameof(data));
        }

        if (shape.IsEmpty)
        {
            return FormatScalar(data, dtype.Code);
        }

        // NumPy prints any array with a zero-length axis as a bare "[]", whatever its rank.
        if (size == 0)
        {
            return "[]";
        }

        int[] dimensions = shape.ToArray();
        int[] strides = new int[dimensions.Length];
        int stride = 1;
        for (int axis = dimensions.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= dimensions[axis];
        }

        bool summarize = size > threshold;
        var printer = new ArrayPrinter(dimensions, strides, summarize, edgeItems, repr ? ", " : " ");

        // Like _leading_trailing: widths and notation come from the printed corners only.
        var shown = new List<int>();
        printer.CollectShown(0, 0, shown);
        Func<int, string> formatElement = CreateElementFormat(data, dtype.Code, shown, precision);
        // The continuation prefix skips over the opening "[" (and "array(" in a repr).
        return printer.Print(formatElement, lineWidth, repr ? "       " : " ");
    }

    /// <summary>A 0-d array prints as its scalar's str(): no padding, and floats keep a <c>.0</c>.</summary>
    private static string FormatScalar(Array data, DTypeCode code) => (code, data) switch
    {
        (DTypeCode.Bool, bool[] values) => values[0] ? "True" : "False",
        (DTypeCode.Int8, sbyte[] values) => values[0].ToString(CultureInfo.InvariantCulture),
        (DTypeCode.UInt8, byte[] values) => values[0].ToString(CultureInfo.InvariantCulture),
        (DTypeCode.Int16, short[] values) => values[0].ToString(CultureInfo.InvariantCulture),
        (DTypeCode.Int32, int[] values) => values[0].ToString(CultureInfo.InvariantCulture),
        (DTypeCode.Int64, long[] values) => values[0].ToString(CultureInfo.InvariantCulture),
        (DTypeCode.Float16, Half[] values) => FloatFormat.FormatScalar((double)values[0], code),
        (DTypeCode.BFloat16, BFloat16[] values) => FloatFormat.FormatScalar(values[0].ToSingle(), code),
        (DTypeCode.Float32, float[] values) => FloatFormat.FormatScalar(values[0], code),
        (DTypeCode.Float64, double[] values) => FloatFormat.FormatScalar(values[0], code),
        _ => throw StorageMismatch(data, code),
    };

    /// <summary>Builds the element format for the dtype from the elements that will be printed.</summary>
    private static Func<int, string> CreateElementFormat(Array data, DTypeCode code, List<int> shown, int precision)
    {
        switch (code, data)
        {
            case (DTypeCode.Bool, bool[] values):
                // " True" keeps columns aligned with "False" (0-d arrays go through FormatScalar instead).
                return i => values[i] ? " True" : "False";
            case (DTypeCode.Int8, sbyte[] values):
                return CreateIntegerFormat(i => values[i], shown);
            case (DTypeCode.UInt8, byte[] values):
                return CreateIntegerFormat(i => values[i], shown);
            case (DTypeCode.Int16, short[] values):
                return CreateIntegerFormat(i => values[i], shown);
            case (DTypeCode.Int32, int[] values):
                return CreateIntegerFormat(i => values[i], shown);
            case (DTypeCode.Int64, long[] values):
                return CreateIntegerFormat(i => values[i], shown);
            case (DTypeCode.Float16, Half[] values):
                return CreateFloatFormat(i => (double)values[i], code, shown, precision);
            case (DTypeCode.BFloat16, BFloat16[] values):
                return CreateFloatFormat(i => values[i].ToSingle(), code, shown, precision);
            case (DTypeCode.Float32, float[] values):
                return CreateFloatFormat(i => values[i], code, shown, precision);
            case (DTypeCode.Float64, double[] values):
                return CreateFloatFormat(i => values[i], code, shown, precision);
            default:
                throw StorageMismatch(data, code);
        }
    }

    /// <summary>NumPy's IntegerFormat: right-aligned to the longer of str(max) and str(min).</summary>
    private static Func<int, string> CreateIntegerFormat(Func<int, long> read, List<int> shown)
    {
        long max = long.MinValue;
        long min = long.MaxValue;
        foreach (int offset in shown)
        {
            long value = read(offset);
            max = Math.Max(max, value);
            min = Math.Min(min, value);
        }

        int width = Math.Max(
            max.ToString(CultureInfo.InvariantCulture).Length,
            min.ToString(CultureInfo.InvariantCulture).Length);
        return i => read(i).ToString(CultureInfo.InvariantCulture).PadLeft(width);
    }

    private static Func<int, string> CreateFloatFormat(Func<int, double> read, DTypeCode code, List<int> shown, int precision)
    {
        var values = new List<double>(shown.Count);
        foreach (int offset in shown)
        {
            values.Add(read(offset));
        }

        var format = new FloatFormat(values, code, precision);
        return i => format.Format(read(i));
    }

    private static ArgumentException StorageMismatch(Array data, DTypeCode code) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Storage of type {data.GetType()} does not hold dtype {code}."), nameof(data));

    /// <summary>
    /// The recursive part of NumPy's <c>_formatArray</c> for separator <c>' '</c>: rows of the last axis are
    /// wrapped at the line width, outer axes are stacked with <c>rank - axis - 1</c> newlines between items.
    /// </summary>
    private sealed class ArrayPrinter
    {
        private readonly int[] _dimensions;
        private readonly int[] _strides;
        private readonly bool _summarize;
        private readonly int _edgeItems;
        private readonly string _separator;

        public ArrayPrinter(int[] dimensions, int[] strides, bool summarize, int edgeItems, string separator)
        {
            _dimensions = dimensions;
            _strides = strides;
            _summarize = summarize;
            _edgeItems = edgeItems;
            _separator = separator;
        }

        /// <summary>Flat offsets of the printed elements, in print order.</summary>
        public void CollectShown(int axis, int offset, List<int> shown)
        {
            if (axis == _dimensions.Length)
            {
                shown.Add(offset);
                return;
            }

            (int leading, int trailing) = Items(axis);
            int length = _dimensions[axis];
            for (int i = 0; i < leading; i++)
            {
                CollectShown(axis + 1, offset + (i * _strides[axis]), shown);
            }

            // NumPy slices the tail as a[-edgeitems:], which for edgeitems 0 is the whole axis.
            int tailStart = ShowSummary(axis) && _edgeItems == 0 ? 0 : length - trailing;
            for (int i = tailStart; i < length; i++)
            {
                CollectShown(axis + 1, offset + (i * _strides[axis]), shown);
            }
        }

        public string Print(Func<int, string> formatElement, int lineWidth, string hangingIndent) =>
            Recurse(formatElement, 0, 0, hangingIndent, lineWidth);

        /// <summary>How many items print before and after the "..." of an axis (all as trailing when not summarised).</summary>
        private (int Leading, int Trailing) Items(int axis)
        {
            int length = _dimensions[axis];
            return ShowSummary(axis) ? (_edgeItems, _edgeItems) : (0, length);
        }

        private bool ShowSummary(int axis) => _summarize && 2 * _edgeItems < _dimensions[axis];

        private string Recurse(Func<int, string> formatElement, int axis, int offset, string hangingIndent, int currentWidth)
        {
            int axesLeft = _dimensions.Length - axis;
            if (axesLeft == 0)
            {
                return formatElement(offset);
            }

            // Nested items sit one column further right (after their "[") and lose a column to their "]".
            string nextHangingIndent = hangingIndent + " ";
            int nextWidth = currentWidth - 1;
            int length = _dimensions[axis];
            int stride = _strides[axis];
            bool showSummary = ShowSummary(axis);
            (int leading, int trailing) = Items(axis);

            var text = new StringBuilder();
            if (axesLeft == 1)
            {
                // Room up to the separator or closing bracket, whichever is wider: "]".
                int elementWidth = currentWidth - 1;
                var line = new StringBuilder(hangingIndent);
                for (int i = 0; i < leading; i++)
                {
                    string word = Recurse(formatElement, axis + 1, offset + (i * stride), nextHangingIndent, nextWidth);
                    ExtendLine(text, line, word, elementWidth, hangingIndent);
                    line.Append(_separator);
                }

                if (showSummary)
                {
                    ExtendLine(text, line, SummaryInsert, elementWidth, hangingIndent);
                    line.Append(_separator);
                }

                for (int i = trailing; i > 1; i--)
                {
                    string word = Recurse(formatElement, axis + 1, offset + ((length - i) * stride), nextHangingIndent, nextWidth);
                    ExtendLine(text, line, word, elementWidth, hangingIndent);
                    line.Append(_separator);
                }

                string last = Recurse(formatElement, axis + 1, offset + ((length - 1) * stride), nextHangingIndent, nextWidth);
                ExtendLine(text, line, last, elementWidth, hangingIndent);
                text.Append(line);
            }
            else
            {
                // One newline between rows, two (a blank line) between matrices, and so on (after "," in a repr).
                string lineSeparator = _separator.TrimEnd() + new string('\n', axesLeft - 1);
                for (int i = 0; i < leading; i++)
                {
                    string nested = Recurse(formatElement, axis + 1, offset + (i * stride), nextHangingIndent, nextWidth);
                    text.Append(hangingIndent).Append(nested).Append(lineSeparator);
                }

                if (showSummary)
                {
                    text.Append(hangingIndent).Append(SummaryInsert).Append(lineSeparator);
                }

                for (int i = trailing; i > 1; i--)
                {
                    string nested = Recurse(formatElement, axis + 1, offset + ((length - i) * stride), nextHangingIndent, nextWidth);
                    text.Append(hangingIndent).Append(nested).Append(lineSeparator);
                }

                string last = Recurse(formatElement, axis + 1, offset + ((length - 1) * stride), nextHangingIndent, nextWidth);
                text.Append(hangingIndent).Append(last);
            }

            // The first line's hanging indent is replaced by the opening bracket.
            text.Remove(0, hangingIndent.Length);
            return text.Insert(0, '[').Append(']').ToString();
        }

        /// <summary>NumPy's <c>_extendLine</c>: wrap before a word that would overflow, unless the line is still empty.</summary>
        private static void ExtendLine(StringBuilder text, StringBuilder line, string word, int lineWidth, string nextLinePrefix)
        {
            bool needsWrap = line.Length + word.Length > lineWidth && line.Length > nextLinePrefix.Length;
            if (needsWrap)
            {
                int end = line.Length;
                while (end > 0 && line[end - 1] == ' ')
                {
                    end--;
                }

                text.Append(line, 0, end).Append('\n');
                line.Clear().Append(nextLinePrefix);
            }

            line.Append(word);
        }
    }
}
