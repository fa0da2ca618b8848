using System.Globalization;

namespace Nabla.Data;

/// <summary>CSV fields to scalar tensors: parsing by column type, missing values, and type inference.</summary>
internal static class CsvValues
{
    /// <summary>The field as a scalar of the column's dtype, or its default when missing.</summary>
    /// <exception cref="InvalidDataException">When a required field is missing or the text is not a value of the dtype.</exception>
    public static Tensor Parse(string text, CsvColumn column, string name, CsvFormat format, long record, int line)
    {
        if (text.Length == 0 || text == format.NaValue)
        {
            return column.DefaultValue is double value
                ? FromDouble(value, column.DType)
                : throw new InvalidDataException(
                    $"FromCsv: field '{name}' is required but missing in record {record} (line {line} of {format.Source}); give its CsvColumn a default value.");
        }

        DType dtype = column.DType;
        string where = $"field '{name}' in record {record} (line {line} of {format.Source})";
        Tensor? parsed = dtype.IsInteger ? ParseInteger(text, dtype, where)
            : dtype == DType.Bool ? (TryParseBool(text, out bool b) ? Tensor.Scalar(b) : null)
            : TryParseFloat(text, out double d) ? FromDouble(d, dtype) : null;
        return parsed ?? throw new InvalidDataException($"FromCsv: {where} is not a valid {dtype}: '{text}'.");
    }

    /// <summary>
    /// Checks that a column's default fits its dtype: an integer column's default must be a whole number in the dtype's
    /// range (a cast would wrap it silently), a bool column's 0 or 1.
    /// </summary>
    /// <exception cref="InvalidDataException">When it does not, naming the column.</exception>
    public static void CheckDefault(CsvColumn column, string name, string source)
    {
        if (column.DefaultValue is not double value || column.DType.IsFloating)
        {
            return;
        }

        (long min, long max) = column.DType.IsInteger ? IntegerRange(column.DType) : (0, 1);
        if (!(value == Math.Floor(value) && value >= min && value <= max))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"FromCsv: the default value {value} of column '{name}' of {source} is not a {column.DType} (whole numbers in [{min}, {max}])."));
        }
    }

    // An integer field: text that is not an integer gives null (the caller's "not a valid" error); an integer outside the
    // dtype's range is refused here with the range, never wrapped.
    private static Tensor? ParseInteger(string text, DType dtype, string where)
    {
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
        {
            return System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                ? throw OutOfRange(text, dtype, where)
                : null;
        }

        (long min, long max) = IntegerRange(dtype);
        if (value < min || value > max)
        {
            throw OutOfRange(text, dtype, where);
        }

        return dtype.Code switch
        {
            DTypeCode.Int8 => Tensor.Scalar((sbyte)value),
            DTypeCode.UInt8 => Tensor.Scalar((byte)value),
            DTypeCode.Int16 => Tensor.Scalar((short)value),
            DTypeCode.Int32 => Tensor.Scalar((int)value),
            _ => Tensor.Scalar(value),
        };
    }

    private static InvalidDataException OutOfRange(string text, DType dtype, string where)
    {
        (long min, long max) = IntegerRange(dtype);
        return new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"FromCsv: {where} is out of the range of {dtype} [{min}, {max}]: '{text}'."));
    }

    private static (long Min, long Max) IntegerRange(DType dtype) => dtype.Code switch
    {
        DTypeCode.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DTypeCode.UInt8 => (byte.MinValue, byte.MaxValue),
        DTypeCode.Int16 => (short.MinValue, short.MaxValue),
        DTypeCode.Int32 => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    /// <summary>
    /// The narrowest of int32, int64 and float32 that reads every present sample of column <paramref name="index"/>;
    /// missing values become 0, as <c>make_csv_dataset</c>'s inferred defaults.
    /// </summary>
    public static CsvColumn Infer(string name, List<string[]> samples, int index, CsvFormat format)
    {
        bool int32 = true, int64 = true;
        for (int r = 0; r < samples.Count; r++)
        {
            string text = samples[r][index];
            if (text.Length == 0 || text == format.NaValue)
            {
                continue;
            }

            int32 &= int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
            int64 &= long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
            if (!int64 && !TryParseFloat(text, out _))
            {
                throw new InvalidDataException(
                    $"FromCsv: column '{name}' holds '{text}' in record {r} of {format.Source}, which is not a number; tensors hold numbers only: " +
                    "leave the column out with selectColumns, or give CsvColumn types to read it as numbers.");
            }
        }

        return new CsvColumn(int32 ? DType.Int32 : int64 ? DType.Int64 : DType.Float32, 0);
    }

    private static Tensor FromDouble(double value, DType dtype) =>
        dtype == DType.Float64 ? Tensor.Scalar(value)
        : dtype == DType.Float32 ? Tensor.Scalar((float)value)
        : Tf.Cast(Tensor.Scalar(value), dtype);

    // Numbers as NumPy and TensorFlow read them, with Python's spellings of the special values.
    private static bool TryParseFloat(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        string word = text.Trim().ToUpperInvariant();
        value = word switch
        {
            "NAN" or "-NAN" or "+NAN" => double.NaN,
            "INF" or "+INF" or "INFINITY" => double.PositiveInfinity,
            "-INF" or "-INFINITY" => double.NegativeInfinity,
            _ => 0,
        };
        return value != 0 || double.IsNaN(value);
    }

    private static bool TryParseBool(string text, out bool value)
    {
        string word = text.Trim().ToUpperInvariant();
        value = word is "TRUE" or "1";
        return value || word is "FALSE" or "0";
    }
}
