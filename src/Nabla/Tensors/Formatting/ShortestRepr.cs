using System.Globalization;
using System.Numerics;

namespace Nabla;

/// <summary>
/// A non-negative decimal number as its significant digits and the power of ten of the first digit:
/// 1.25 is ("125", 0), 0.003 is ("3", -3), 1200 is ("12", 3) and zero is ("0", 0). The digits carry no
/// leading or trailing zeros, which is the form NumPy's Dragon4 trimming (<c>trim='.'</c>) leaves behind.
/// </summary>
internal readonly record struct DecimalDigits(string Digits, int Exponent)
{
    /// <summary>Zero.</summary>
    public static DecimalDigits Zero { get; } = new("0", 0);

    /// <summary>True for zero.</summary>
    public bool IsZero => Digits is "0";

    /// <summary>How many digits follow the decimal point in positional notation.</summary>
    public int FractionDigits => IsZero ? 0 : Math.Max(0, Digits.Length - 1 - Exponent);

    /// <summary>The digits left of the decimal point in positional notation (<c>"0"</c> below one).</summary>
    public string IntegerPart()
    {
        if (IsZero || Exponent < 0)
        {
            return "0";
        }

        int count = Exponent + 1;
        return Digits.Length >= count ? Digits[..count] : Digits + new string('0', count - Digits.Length);
    }

    /// <summary>The digits right of the decimal point in positional notation, without trailing zeros.</summary>
    public string FractionPart()
    {
        if (IsZero)
        {
            return string.Empty;
        }

        if (Exponent < 0)
        {
            return new string('0', -Exponent - 1) + Digits;
        }

        return Digits.Length > Exponent + 1 ? Digits[(Exponent + 1)..] : string.Empty;
    }
}

/// <summary>
/// Decimal digit generation for the float formats: the shortest digits that round-trip through the element's
/// own type (what NumPy's Dragon4 prints in <c>unique</c> mode), and exact round-half-even rounding of the
/// true binary value to a number of fractional or significant digits (what Dragon4 prints when a precision
/// cut-off or <c>min_digits</c> applies).
/// </summary>
internal static class ShortestRepr
{
    // A double spans about 10^-340 to 10^308; recomputing those powers for every element dominated the cost of
    // printing wide-ranging arrays.
    private static readonly BigInteger[] s_powersOfTen = CreatePowersOfTen();

    /// <summary>
    /// The shortest digits of <paramref name="value"/>'s magnitude that read back as the same value of the
    /// element type <paramref name="code"/>. The value must be finite and exactly representable in that type.
    /// </summary>
    public static DecimalDigits Shortest(double value, DTypeCode code)
    {
        double magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return DecimalDigits.Zero;
        }

        // .NET's default float formatting is shortest-round-trip for double, float and Half since .NET Core 3.0,
        // so a float32 prints 0.76252973 rather than its double expansion. BFloat16 has no formatter of its own.
        return code switch
        {
            DTypeCode.Float32 => Parse(((float)magnitude).ToString("R", CultureInfo.InvariantCulture)),
            DTypeCode.Float16 => Parse(((Half)magnitude).ToString(CultureInfo.InvariantCulture)),
            DTypeCode.BFloat16 => ShortestBFloat16((float)magnitude),
            _ => Parse(magnitude.ToString("R", CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>The magnitude of <paramref name="value"/> rounded half-to-even to <paramref name="fractionDigits"/> decimals.</summary>
    public static DecimalDigits RoundToFraction(double value, int fractionDigits)
    {
        (BigInteger numerator, BigInteger denominator) = ExactRatio(Math.Abs(value));
        BigInteger scaled = RoundHalfEven(numerator * PowerOfTen(fractionDigits), denominator);
        return FromInteger(scaled, -fractionDigits);
    }

    /// <summary>The magnitude of <paramref name="value"/> rounded half-to-even to <paramref name="significantDigits"/> digits.</summary>
    public static DecimalDigits RoundToSignificant(double value, int significantDigits)
    {
        double magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return DecimalDigits.Zero;
        }

        (BigInteger numerator, BigInteger denominator) = ExactRatio(magnitude);

        // Log10 is only an estimate near powers of ten; settle the decade against the exact value.
        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        while (ComparePowerOfTen(numerator, denominator, exponent) < 0)
        {
            exponent--;
        }

        while (ComparePowerOfTen(numerator, denominator, exponent + 1) >= 0)
        {
            exponent++;
        }

        int shift = significantDigits - 1 - exponent;
        BigInteger scaled = shift >= 0
            ? RoundHalfEven(numerator * PowerOfTen(shift), denominator)
            : RoundHalfEven(numerator, denominator * PowerOfTen(-shift));

        // A carry (9.99 -> 10.0) lengthens the integer, which FromInteger turns into the next decade.
        return FromInteger(scaled, -shift);
    }

    /// <summary>Reads .NET's invariant float text (<c>123.45</c>, <c>1.5E-05</c>, <c>1E+016</c>) into digits.</summary>
    private static DecimalDigits Parse(string text)
    {
        ReadOnlySpan<char> mantissa = text;
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = text.AsSpan(0, e);
        }

        if (mantissa.Length > 0 && mantissa[0] is '-' or '+')
        {
            mantissa = mantissa[1..];
        }

        Span<char> digits = stackalloc char[mantissa.Length];
        int count = 0;
        int point = -1;
        foreach (char c in mantissa)
        {
            if (c == '.')
            {
                point = count;
            }
            else
            {
                digits[count++] = c;
            }
        }

        if (point < 0)
        {
            point = count;
        }

        int first = 0;
        while (first < count && digits[first] == '0')
        {
            first++;
        }

        if (first == count)
        {
            return DecimalDigits.Zero;
        }

        int end = count;
        while (digits[end - 1] == '0')
        {
            end--;
        }

        return new DecimalDigits(new string(digits[first..end]), point + exponent - 1 - first);
    }

    /// <summary>
    /// Shortest round-trip digits for a bfloat16 value (8-bit significand): tries 1, 2, 3... significant
    /// digits until a candidate lies inside the value's rounding interval, as Dragon4 would stop.
    /// </summary>
    private static DecimalDigits ShortestBFloat16(float magnitude)
    {
        ushort bits = BFloat16.FromSingle(magnitude).RawValue;
        double value = magnitude;
        double below = BFloat16.FromRawValue((ushort)(bits - 1)).ToSingle();
        double above = bits + 1 >= 0x7F80 ? value + (value - below) : BFloat16.FromRawValue((ushort)(bits + 1)).ToSingle();

        // Midpoints to the neighbours are exact in double; a decimal exactly on one rounds to the even significand.
        double low = (below + value) / 2;
        double high = (value + above) / 2;
        bool evenSignificand = (bits & 1) == 0;

        for (int digits = 1; digits <= 9; digits++)
        {
            // "d.dddE+xxx": the correctly rounded candidate with this many digits.
            string rounded = value.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int e = rounded.IndexOf('E', StringComparison.Ordinal);
            long candidate = long.Parse(rounded.AsSpan(0, e).ToString().Replace(".", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            int scale = int.Parse(rounded.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) - (digits - 1);

            if (InInterval(candidate, scale, low, high, evenSignificand))
            {
                return FromInteger(candidate, scale);
            }

            // At a power of two the interval is lopsided (half as wide below), so the nearest candidate can
            // miss while its upper neighbour still reads back; Dragon4 takes that one.
            long best = 0;
            double bestDistance = double.PositiveInfinity;
            for (long step = -1; step <= 1; step += 2)
            {
                long neighbour = candidate + step;
                if (neighbour > 0 && InInterval(neighbour, scale, low, high, evenSignificand))
                {
                    double distance = Math.Abs(ToDouble(neighbour, scale) - value);
                    if (distance < bestDistance)
                    {
                        best = neighbour;
                        bestDistance = distance;
                    }
                }
            }

            if (best != 0)
            {
                return FromInteger(best, scale);
            }
        }

        return RoundToSignificant(value, 9);
    }

    private static bool InInterval(long candidate, int scale, double low, double high, bool evenSignificand)
    {
        double x = ToDouble(candidate, scale);
        return (x > low && x < high) || (evenSignificand && (x == low || x == high));
    }

    private static double ToDouble(long candidate, int scale) =>
        double.Parse(string.Create(CultureInfo.InvariantCulture, $"{candidate}E{scale}"), CultureInfo.InvariantCulture);

    /// <summary>The digits of <paramref name="value"/> × 10^<paramref name="scale"/>.</summary>
    private static DecimalDigits FromInteger(BigInteger value, int scale)
    {
        if (value.IsZero)
        {
            return DecimalDigits.Zero;
        }

        string text = value.ToString(CultureInfo.InvariantCulture);
        return new DecimalDigits(text.TrimEnd('0'), text.Length - 1 + scale);
    }

    /// <summary>A finite non-negative double as an exact fraction numerator / denominator.</summary>
    private static (BigInteger Numerator, BigInteger Denominator) ExactRatio(double magnitude)
    {
        long bits = BitConverter.DoubleToInt64Bits(magnitude) & long.MaxValue;
        int biasedExponent = (int)(bits >> 52);
        long significand = bits & ((1L << 52) - 1);
        int exponent;
        if (biasedExponent == 0)
        {
            exponent = -1074;
        }
        else
        {
            significand |= 1L << 52;
            exponent = biasedExponent - 1075;
        }

        return exponent >= 0
            ? (new BigInteger(significand) << exponent, BigInteger.One)
            : (new BigInteger(significand), BigInteger.One << -exponent);
    }

    /// <summary>numerator / denominator rounded to an integer, ties to even (Dragon4's "unbiased" rounding).</summary>
    private static BigInteger RoundHalfEven(BigInteger numerator, BigInteger denominator)
    {
        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int comparison = (remainder << 1).CompareTo(denominator);
        if (comparison > 0 || (comparison == 0 && !quotient.IsEven))
        {
            quotient += BigInteger.One;
        }

        return quotient;
    }

    /// <summary>10^<paramref name="power"/>, from a table for the powers a double can need.</summary>
    private static BigInteger PowerOfTen(int power) =>
        power < s_powersOfTen.Length ? s_powersOfTen[power] : BigInteger.Pow(10, power);

    private static BigInteger[] CreatePowersOfTen()
    {
        // Built once, eagerly: BigInteger is a two-field struct, so a lazily filled shared table could be read torn.
        var powers = new BigInteger[400];
        powers[0] = BigInteger.One;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }

    /// <summary>Compares numerator / denominator with 10^<paramref name="power"/>.</summary>
    private static int ComparePowerOfTen(BigInteger numerator, BigInteger denominator, int power) =>
        power >= 0
            ? numerator.CompareTo(denominator * PowerOfTen(power))
            : (numerator * PowerOfTen(-power)).CompareTo(denominator);
}
