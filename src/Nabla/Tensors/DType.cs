using System.Diagnostics.CodeAnalysis;

namespace Nabla;

/// <summary>The numeric kind of an element, the internal switch key behind <see cref="DType"/>.</summary>
internal enum DTypeCode : byte
{
    Bool,
    Int8,
    UInt8,
    Int16,
    Int32,
    Int64,
    Float16,
    BFloat16,
    Float32,
    Float64,
}

/// <summary>
/// The element type of a tensor (TensorFlow's <c>tf.DType</c>). Every dtype fact lives here: its name,
/// its size, its CLR storage type and whether it is floating point. Prints as TensorFlow does (<c>float32</c>).
/// </summary>
public readonly struct DType : IEquatable<DType>
{
    private DType(DTypeCode code) => Code = code;

    internal DTypeCode Code { get; }

    /// <summary>Booleans, stored as <see cref="bool"/>.</summary>
    public static DType Bool => new(DTypeCode.Bool);

    /// <summary>8-bit signed integers, stored as <see cref="sbyte"/> (quantized data).</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "Names fixed by the API contract (TensorFlow's dtypes).")]
    public static DType Int8 => new(DTypeCode.Int8);

    /// <summary>8-bit unsigned integers, stored as <see cref="byte"/> (images arrive as bytes).</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "Names fixed by the API contract (TensorFlow's dtypes).")]
    public static DType UInt8 => new(DTypeCode.UInt8);

    /// <summary>16-bit signed integers, stored as <see cref="short"/>.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "Names fixed by the API contract (TensorFlow's dtypes).")]
    public static DType Int16 => new(DTypeCode.Int16);

    /// <summary>32-bit signed integers.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "Names fixed by the API contract (TensorFlow's dtypes).")]
    public static DType Int32 => new(DTypeCode.Int32);

    /// <summary>64-bit signed integers.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "Names fixed by the API contract (TensorFlow's dtypes).")]
    public static DType Int64 => new(DTypeCode.Int64);

    /// <summary>IEEE half precision, stored as <see cref="Half"/> and computed in float32.</summary>
    public static DType Float16 => new(DTypeCode.Float16);

    /// <summary>Brain floating point, stored as <see cref="Nabla.BFloat16"/> and computed in float32.</summary>
    public static DType BFloat16 => new(DTypeCode.BFloat16);

    /// <summary>IEEE single precision.</summary>
    public static DType Float32 => new(DTypeCode.Float32);

    /// <summary>IEEE double precision.</summary>
    public static DType Float64 => new(DTypeCode.Float64);

    /// <summary>The TensorFlow name: <c>bool</c>, <c>int8</c>, <c>uint8</c>, <c>int16</c>, <c>int32</c>, <c>int64</c>, <c>float16</c>, <c>bfloat16</c>, <c>float32</c>, <c>float64</c>.</summary>
    public string Name => Code switch
    {
        DTypeCode.Bool => "bool",
        DTypeCode.Int8 => "int8",
        DTypeCode.UInt8 => "uint8",
        DTypeCode.Int16 => "int16",
        DTypeCode.Int32 => "int32",
        DTypeCode.Int64 => "int64",
        DTypeCode.Float16 => "float16",
        DTypeCode.BFloat16 => "bfloat16",
        DTypeCode.Float32 => "float32",
        _ => "float64",
    };

    /// <summary>The size of one element in bytes.</summary>
    public int Size => Code switch
    {
        DTypeCode.Bool or DTypeCode.Int8 or DTypeCode.UInt8 => 1,
        DTypeCode.Int32 or DTypeCode.Float32 => 4,
        DTypeCode.Int16 or DTypeCode.Float16 or DTypeCode.BFloat16 => 2,
        _ => 8,
    };

    /// <summary>The CLR type elements are stored as.</summary>
    public Type ClrType => Code switch
    {
        DTypeCode.Bool => typeof(bool),
        DTypeCode.Int8 => typeof(sbyte),
        DTypeCode.UInt8 => typeof(byte),
        DTypeCode.Int16 => typeof(short),
        DTypeCode.Int32 => typeof(int),
        DTypeCode.Int64 => typeof(long),
        DTypeCode.Float16 => typeof(Half),
        DTypeCode.BFloat16 => typeof(BFloat16),
        DTypeCode.Float32 => typeof(float),
        _ => typeof(double),
    };

    /// <summary>True for float16, bfloat16, float32 and float64: the dtypes gradients flow through.</summary>
    public bool IsFloating => Code >= DTypeCode.Float16;

    /// <summary>True for int8, uint8, int16, int32 and int64.</summary>
    public bool IsInteger => Code is >= DTypeCode.Int8 and <= DTypeCode.Int64;

    /// <summary>True for int32 and int64, the dtypes of indices (Gather, OneHot, sparse labels, Unique's out_idx).</summary>
    internal bool IsIndex => Code is DTypeCode.Int32 or DTypeCode.Int64;

    /// <summary>True for int8, uint8 and int16: stored narrow, with kernels for arithmetic, comparisons and reductions but not for MatMul or random numbers (as TensorFlow's CPU kernels).</summary>
    internal bool IsNarrowInteger => Code is DTypeCode.Int8 or DTypeCode.UInt8 or DTypeCode.Int16;

    /// <summary>True for the integer and floating dtypes (everything but bool).</summary>
    public bool IsNumeric => Code != DTypeCode.Bool;

    /// <summary>True for float16 and bfloat16, which are stored narrow and computed in float32.</summary>
    internal bool IsReducedPrecision => Code is DTypeCode.Float16 or DTypeCode.BFloat16;

    /// <summary>All dtypes, in promotion order.</summary>
    public static IReadOnlyList<DType> All { get; } = [Bool, Int8, UInt8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64];

    /// <summary>The dtype whose storage type is <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">When <typeparamref name="T"/> is not a tensor element type.</exception>
    public static DType Of<T>() => FromClrType(typeof(T));

    /// <summary>The dtype whose storage type is <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="type"/> is not a tensor element type.</exception>
    public static DType FromClrType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(float)) return Float32;
        if (type == typeof(double)) return Float64;
        if (type == typeof(int)) return Int32;
        if (type == typeof(long)) return Int64;
        if (type == typeof(bool)) return Bool;
        if (type == typeof(Half)) return Float16;
        if (type == typeof(BFloat16)) return BFloat16;
        if (type == typeof(sbyte)) return Int8;
        if (type == typeof(byte)) return UInt8;
        if (type == typeof(short)) return Int16;
        throw new ArgumentException(
            $"Type {type} has no tensor dtype; use bool, sbyte, byte, short, int, long, Half, BFloat16, float or double.", nameof(type));
    }

    /// <summary>The dtype whose storage type is <paramref name="type"/>, if it has one.</summary>
    internal static bool TryFromClrType(Type type, out DType dtype)
    {
        foreach (DType d in All)
        {
            if (d.ClrType == type)
            {
                dtype = d;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(DType other) => Code == other.Code;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)Code;

    /// <summary>The TensorFlow name, as <see cref="Name"/>.</summary>
    public override string ToString() => Name;

    /// <summary>Equality of dtypes.</summary>
    public static bool operator ==(DType left, DType right) => left.Code == right.Code;

    /// <summary>Inequality of dtypes.</summary>
    public static bool operator !=(DType left, DType right) => left.Code != right.Code;
}
