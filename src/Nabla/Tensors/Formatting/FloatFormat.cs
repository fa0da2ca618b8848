using System.Globalization;
using System.Text;

namespace Nabla;

/// <summary>
/// NumPy's <c>FloatingFormat</c> for the default print options (<c>floatmode='maxprec'</c>, <c>suppress=False</c>,
/// <c>sign='-'</c>): one pass over the printed elements fixes notation and padding, then every element is
/// printed to that layout. Values arrive widened to double (exactly), but digits are generated for the
/// element's own type so a float32 prints its float32 shortest digits.
/// </summary>
internal sealed class FloatFormat
{
    // NumPy <= 2.2 (and legacy='2.2') switches to scientific notation at 1e8 for every float type; NumPy 2.3
    // made the cut-off depend on the dtype's precision. Nabla follows the dtype-independent rule.
    private const double ExponentialMax = 1e8;
    private const double ExponentialMin = 1e-4;
    private const double ExponentialRatio = 1e3;

    // NumPy's scalar str() stays positional for magnitudes in [1e-4, 1e16) (again the pre-2.3 rule).
    private const double ScalarPositionalMax = 1e16;

    private readonly DTypeCode _code;
    private readonly bool _scientific;
    private readonly int _precision;
    private readonly int _padLeft;
    private readonly int _padRight;
    private readonly int _exponentDigits;

    /// <summary>Lays out the values that will be printed (after summarisation), as <c>fillFormat</c> does.</summary>
    public FloatFormat(List<double> values, DTypeCode code, int precision)
    {
        _code = code;
        bool anyFinite = false;
        bool anyNonFinite = false;
        bool anyNegativeInfinity = false;
        double maxAbs = 0;
        double minAbs = double.PositiveInfinity;
        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                anyNonFinite = true;
                anyNegativeInfinity |= double.IsNegativeInfinity(value);
                continue;
            }

            anyFinite = true;
            double magnitude = Math.Abs(value);
            if (magnitude != 0)
            {
                maxAbs = Math.Max(maxAbs, magnitude);
                minAbs = Math.Min(minAbs, magnitude);
            }
        }

        if (maxAbs != 0)
        {
            // NumPy compares in the array's dtype (Python floats are weak scalars under NEP 50), so the cut-offs
            // and the max/min ratio are rounded to the element type first: float32(1e-4) itself stays positional.
            double ratio = Narrow(maxAbs / minAbs, code);
            _scientific = maxAbs >= Narrow(ExponentialMax, code)
                || minAbs < Narrow(ExponentialMin, code)
                || ratio > ExponentialRatio;
        }

        _precision = precision;
        int padLeft = 0;
        int padRight = 0;
        int exponentDigits = -1;
        if (anyFinite && _scientific)
        {
            int maxFraction = 0;
            foreach (double value in values)
            {
                if (!double.IsFinite(value))
                {
                    continue;
                }

                DecimalDigits digits = ScientificDigits(value, precision);
                maxFraction = Math.Max(maxFraction, digits.Digits.Length - 1);
                exponentDigits = Math.Max(exponentDigits, ExponentDigitCount(digits.Exponent));
                padLeft = Math.Max(padLeft, double.IsNegative(value) ? 2 : 1);
            }

            // Every element then prints exactly maxFraction mantissa decimals (min_digits = precision).
            _precision = maxFraction;
            padRight = exponentDigits + 2 + maxFraction;
        }
        else if (anyFinite)
        {
            foreach (double value in values)
            {
                if (!double.IsFinite(value))
                {
                    continue;
                }

                DecimalDigits digits = PositionalDigits(value, precision);
                int sign = double.IsNegative(value) ? 1 : 0;
                padLeft = Math.Max(padLeft, sign + digits.IntegerPart().Length);
                padRight = Math.Max(padRight, digits.FractionDigits);
            }
        }

        if (anyNonFinite)
        {
            // nan and inf are right-aligned to the whole field, which they may widen.
            int offset = padRight + 1;
            padLeft = Math.Max(padLeft, Math.Max("nan".Length - offset, "inf".Length + (anyNegativeInfinity ? 1 : 0) - offset));
        }

        _padLeft = padLeft;
        _padRight = padRight;
        _exponentDigits = exponentDigits;
    }

    /// <summary>One element, padded to the common layout.</summary>
    public string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            string text = double.IsNaN(value) ? "nan" : value < 0 ? "-inf" : "inf";
            return text.PadLeft(_padLeft + _padRight + 1);
        }

        var builder = new StringBuilder(_padLeft + _padRight + 8);
        string sign = double.IsNegative(value) ? "-" : string.Empty;
        if (_scientific)
        {
            DecimalDigits digits = ShortestRepr.Shortest(value, _code);
            if (digits.Digits.Length - 1 != _precision)
            {
                // Shorter than the common precision: Dragon4 carries on with the exact digits, it does not pad zeros.
                digits = ShortestRepr.RoundToSignificant(value, _precision + 1);
            }

            builder.Append(' ', Math.Max(0, _padLeft - sign.Length - 1)).Append(sign).Append(digits.Digits[0]).Append('.');
            builder.Append(digits.Digits, 1, digits.Digits.Length - 1).Append('0', _precision + 1 - digits.Digits.Length);
            AppendExponent(builder, digits.Exponent, _exponentDigits);
        }
        else
        {
            DecimalDigits digits = PositionalDigits(value, _precision);
            if (digits.FractionDigits == 0)
            {
                // Elements print with min_digits=0, which makes Dragon4 generate every integer digit: float16 65504
                // prints "65504." although its shortest digits are 655e2 (the fill pass above measured those).
                digits = ShortestRepr.RoundToFraction(value, 0);
            }

            string integer = sign + digits.IntegerPart();
            string fraction = digits.FractionPart();
            builder.Append(' ', Math.Max(0, _padLeft - integer.Length)).Append(integer).Append('.');
            builder.Append(fraction).Append(' ', Math.Max(0, _padRight - fraction.Length));
        }

        return builder.ToString();
    }

    /// <summary>
    /// The str() of a NumPy float scalar, which 0-d arrays print as: shortest digits, positional with at least
    /// one decimal (<c>108.0</c>) for magnitudes in [1e-4, 1e16) and zero, otherwise scientific with the
    /// decimal point and zeros trimmed (<c>1e-05</c>).
    /// </summary>
    public static string FormatScalar(double value, DTypeCode code)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value < 0 ? "-inf" : "inf";
        }

        var builder = new StringBuilder(24);
        if (double.IsNegative(value))
        {
            builder.Append('-');
        }

        double magnitude = Math.Abs(value);
        DecimalDigits digits = ShortestRepr.Shortest(magnitude, code);
        if (magnitude == 0 || (magnitude < ScalarPositionalMax && magnitude >= ExponentialMin))
        {
            string fraction = digits.FractionPart();
            builder.Append(digits.IntegerPart()).Append('.').Append(fraction.Length == 0 ? "0" : fraction);
        }
        else
        {
            builder.Append(digits.Digits[0]);
            if (digits.Digits.Length > 1)
            {
                builder.Append('.').Append(digits.Digits, 1, digits.Digits.Length - 1);
            }

            AppendExponent(builder, digits.Exponent, 2);
        }

        return builder.ToString();
    }

    /// <summary>Positional digits: the shortest when they fit in <paramref name="precision"/> decimals, else rounded there.</summary>
    private DecimalDigits PositionalDigits(double value, int precision)
    {
        DecimalDigits shortest = ShortestRepr.Shortest(value, _code);
        return shortest.FractionDigits <= precision ? shortest : ShortestRepr.RoundToFraction(value, precision);
    }

    /// <summary>Scientific digits: the shortest when the mantissa fits in <paramref name="precision"/> decimals, else rounded.</summary>
    private DecimalDigits ScientificDigits(double value, int precision)
    {
        DecimalDigits shortest = ShortestRepr.Shortest(value, _code);
        return shortest.Digits.Length - 1 <= precision ? shortest : ShortestRepr.RoundToSignificant(value, precision + 1);
    }

    /// <summary>Appends <c>e+05</c> style exponents, zero-padded to <paramref name="minDigits"/> digits.</summary>
    private static void AppendExponent(StringBuilder builder, int exponent, int minDigits)
    {
        builder.Append('e').Append(exponent < 0 ? '-' : '+');
        string digits = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        builder.Append('0', Math.Max(0, minDigits - digits.Length)).Append(digits);
    }

    /// <summary>Digits in a printed exponent: at least two, as in <c>1e-05</c>.</summary>
    private static int ExponentDigitCount(int exponent) =>
        Math.Max(2, Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).Length);

    /// <summary>Rounds a double to the element type, the precision NumPy's comparisons run in.</summary>
    private static double Narrow(double value, DTypeCode code) => code switch
    {
        DTypeCode.Float32 => (float)value,
        DTypeCode.Float16 => (double)(Half)value,
        DTypeCode.BFloat16 => BFloat16.FromSingle((float)value).ToSingle(),
        _ => value,
    };
}
