namespace Nabla.Data;

/// <summary>
/// The type of a CSV column and what fills its missing values (TensorFlow's <c>record_defaults</c>): a column with a
/// <see cref="DefaultValue"/> takes it for an empty field (or the <c>naValue</c> text); a column without one is
/// required, and a missing value is an error naming the column and the record.
/// </summary>
/// <param name="DType">The column's dtype: bool, int32, int64, float16, bfloat16, float32 or float64.</param>
/// <param name="DefaultValue">The value of a missing field (cast to <paramref name="DType"/>; <see cref="double.NaN"/> is allowed for floats), or null when the column is required.</param>
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
}
