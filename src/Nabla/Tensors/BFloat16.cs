using System.Globalization;

namespace Nabla;

/// <summary>
/// The brain floating-point format: float32's sign and 8-bit exponent with a 7-bit mantissa. .NET has no
/// built-in type for it, so Nabla stores the upper 16 bits of a float32 and converts with
/// round-to-nearest-even (the rounding TensorFlow and PyTorch use).
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The raw 16 bits.</summary>
    public ushort RawValue => _bits;

    /// <summary>A value from its raw bits.</summary>
    public static BFloat16 FromRawValue(ushort bits) => new(bits);

    /// <summary>Rounds a float32 to the nearest bfloat16 (ties to even); NaN stays NaN.</summary>
    public static BFloat16 FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Keep it a quiet NaN even if the payload sat only in the dropped low bits.
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The exact float32 value.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)_bits << 16);

    /// <summary>Converts a float32, rounding to nearest even.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);

    /// <summary>Widens to float32 exactly.</summary>
    public static implicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>Converts to the nearest bfloat16 via float32.</summary>
    public static explicit operator BFloat16(double value) => FromSingle((float)value);

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => ToSingle().Equals(other.ToSingle());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ToSingle().GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ToSingle().CompareTo(other.ToSingle());

    /// <inheritdoc/>
    public override string ToString() => ToSingle().ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToSingle().ToString(format, formatProvider);

    /// <summary>Value equality (NaN is not equal to itself, as for float).</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.ToSingle() == right.ToSingle();

    /// <summary>Value inequality.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => left.ToSingle() != right.ToSingle();

    /// <summary>Less than, by value.</summary>
    public static bool operator <(BFloat16 left, BFloat16 right) => left.ToSingle() < right.ToSingle();

    /// <summary>Greater than, by value.</summary>
    public static bool operator >(BFloat16 left, BFloat16 right) => left.ToSingle() > right.ToSingle();

    /// <summary>Less than or equal, by value.</summary>
    public static bool operator <=(BFloat16 left, BFloat16 right) => left.ToSingle() <= right.ToSingle();

    /// <summary>Greater than or equal, by value.</summary>
    public static bool operator >=(BFloat16 left, BFloat16 right) => left.ToSingle() >= right.ToSingle();
}
