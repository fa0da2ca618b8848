namespace Nabla.Data;

/// <summary>
/// The type of a CSV column and what fills its missing values (TensorFlow's <c>record_defaults</c>): a column with a
/// <see cref="DefaultValue"/> takes it for an empty field (or the <c>naValue</c> text); a column without one is
/// required, and a missing value is an error naming the column and the record.
/// </summary>
/// <param name="DType">
/// The column's dtype: bool, int8, uint8, int16, int32, int64, float16, bfloat16, float32 or float64. An integer field
/// outside its dtype's range (300 in a uint8 column) is an error naming the column and the record, never wrapped.
/// </param>
/// <param name="DefaultValue">
/// The value of a missing field (of <paramref name="DType"/>: a whole number in range for integers, 0 or 1 for bool;
/// <see cref="double.NaN"/> is allowed for floats), or null when the column is required.
/// </param>
public sealed record CsvColumn(DType DType, double? DefaultValue = null)
{
    /// <summary>A required float32 column.</summary>
    public static CsvColumn Float32 { get; } = new(Nabla.DType.Float32);

    /// <summary>A required float64 column.</summary>
    public static CsvColumn Float64 { get; } = new(Nabla.DType.Float64);

    /// <summary>A required int32 column.</summary>
    public static CsvColumn Int32 { get; } = new(Nabla.DType.Int32);

    /// <summary>A required int64 column.</summary>
    public static CsvColumn Int64 { get; } = new(Nabla.DType.Int64);

    /// <summary>A required int8 column.</summary>
    public static CsvColumn Int8 { get; } = new(Nabla.DType.Int8);

    /// <summary>A required uint8 column (bytes: pixels, quantized values).</summary>
    public static CsvColumn UInt8 { get; } = new(Nabla.DType.UInt8);

    /// <summary>A required int16 column.</summary>
    public static CsvColumn Int16 { get; } = new(Nabla.DType.Int16);
}
