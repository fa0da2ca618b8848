namespace Nabla.IO;

/// <summary>
/// A NumPy array-protocol type string (<c>descr</c>: byte order, kind, item size) and the Nabla dtype it maps to.
/// Byte order <c>&lt;</c> little, <c>&gt;</c> big, <c>|</c> not applicable, <c>=</c> native (little on every platform .NET runs on).
/// </summary>
internal readonly record struct NpyDType(string Descr, DType DType, int ItemSize, bool BigEndian)
{
    /// <summary>
    /// The descr Nabla writes for <paramref name="dtype"/>, as NumPy writes it: <c>|b1</c>, <c>|i1</c>, <c>|u1</c>,
    /// <c>&lt;i2</c>, <c>&lt;i4</c>, <c>&lt;i8</c>,
    /// <c>&lt;f2</c>, <c>&lt;f4</c>, <c>&lt;f8</c>; bfloat16 as <c>&lt;V2</c>, the two raw bytes that <c>ml_dtypes</c>'s
    /// bfloat16 arrays are saved as (NumPy has no bfloat16 of its own; <c>np.load(...).view(ml_dtypes.bfloat16)</c>
    /// restores them).
    /// </summary>
    public static string DescrOf(DType dtype) => dtype.Code switch
    {
        DTypeCode.Bool => "|b1",
        DTypeCode.Int8 => "|i1",
        DTypeCode.UInt8 => "|u1",
        DTypeCode.Int16 => "<i2",
        DTypeCode.Int32 => "<i4",
        DTypeCode.Int64 => "<i8",
        DTypeCode.Float16 => "<f2",
        DTypeCode.BFloat16 => "<V2",
        DTypeCode.Float32 => "<f4",
        DTypeCode.Float64 => "<f8",
        _ => throw new NotSupportedException($"NumPy: no .npy type for dtype {dtype.Name}."),
    };

    /// <summary>Parses a descr into the Nabla dtype it holds; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="NotSupportedException">For NumPy types Nabla has no dtype for (uint16 and wider unsigned, complex, strings, objects...).</exception>
    public static NpyDType Parse(string descr, string source)
    {
        if (descr.Length >= 3 && descr[0] is '<' or '>' or '|' or '=')
        {
            bool big = descr[0] == '>';
            DType? dtype = descr[1..] switch
            {
                "b1" => DType.Bool,
                "i1" => DType.Int8,
                "u1" => DType.UInt8,
                "i2" => DType.Int16,
                "i4" => DType.Int32,
                "i8" => DType.Int64,
                "f2" => DType.Float16,
                "V2" => DType.BFloat16,
                "f4" => DType.Float32,
                "f8" => DType.Float64,
                _ => null,
            };
            if (dtype is { } found)
            {
                return new NpyDType(descr, found, found.Size, big && found.Size > 1);
            }
        }

        throw new NotSupportedException(
            $"NumPy: {source} holds dtype '{descr}', which Nabla has no dtype for (it reads b1, i1, u1, i2, i4, i8, f2, f4, f8 in either byte order, and V2 as bfloat16).");
    }
}
