using System.Globalization;

namespace Nabla.Keras.Callbacks;

/// <summary>Formats a double as Python's <c>repr(float)</c> does, so files Keras users compare read the same.</summary>
internal static class PythonFloat
{
    /// <summary>
    /// The shortest digits that round-trip (as .NET's "R"), laid out as Python does: positional with at least one
    /// decimal (<c>1.0</c>, <c>0.0001</c>) when the decimal exponent is in [-4, 16), otherwise scientific with a signed,
    /// two-digit-minimum exponent (<c>1e-05</c>, <c>1.5e+16</c>); <c>nan</c>, <c>inf</c>, <c>-inf</c>.
    /// </summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        // "E16" would not be the shortest; "R" is, in either of its layouts: split it into digits and an exponent.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        string sign = double.IsNegative(value) ? "-" : string.Empty;
        int e = r.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        exponent += (point < 0 ? mantissa.Length : point) - 1;

        // Now value = d1.d2d3... x 10^exponent once the leading zeros are gone.
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        exponent -= leadingZeros;
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        if (exponent is >= -4 and < 16)
        {
            if (exponent < 0)
            {
                return sign + "0." + new string('0', -exponent - 1) + digits;
            }

            string whole = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
            string fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
            return sign + whole + "." + fraction;
        }

        string scientific = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{scientific}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
    }
}
