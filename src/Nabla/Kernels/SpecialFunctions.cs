namespace Nabla.Kernels;

/// <summary>
/// Scalar double-precision functions that .NET does not provide accurately (erf) or provides only as
/// <c>exp(x) - 1</c> / <c>log(1 + x)</c> (expm1, log1p). float and the reduced-precision dtypes are computed through
/// these in double and rounded once, which makes them correctly rounded in practice.
/// </summary>
internal static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.56418958354775628;

    /// <summary><c>e^x - 1</c>, accurate near 0 (Kahan's correction of <c>exp(x) - 1</c>).</summary>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x; // |x| below half an ulp of 1, including +-0.
        }

        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u))
        {
            return um1;
        }

        // (u - 1) / log(u) corrects the rounding of u: the errors of the numerator and denominator cancel.
        return um1 * x / Math.Log(u);
    }

    /// <summary><c>log(1 + x)</c>, accurate near 0 (Goldberg's correction of <c>log(1 + x)</c>).</summary>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x; // including +-0.
        }

        if (double.IsPositiveInfinity(u) || u <= 0 || double.IsNaN(u))
        {
            return Math.Log(u); // +inf, -inf at -1, NaN below -1 and for NaN.
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// The error function <c>2/sqrt(pi) * integral_0^x e^(-t^2) dt</c> to about 1e-15 relative error (checked
    /// against 200-bit references): Maclaurin series below 1, a positive series below 1.5, a continued fraction for
    /// erfc beyond, and +-1 from 6 on (erfc(6) &lt; 2.2e-17, under half an ulp of 1).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double a = Math.Abs(x);
        double r = a < 1.0 ? ErfMaclaurin(a)
            : a < 1.5 ? ErfSeries(a)
            : a < 6.0 ? 1.0 - ErfcContinuedFraction(a)
            : 1.0;
        return Math.CopySign(r, x);
    }

    // erf(a) = 2/sqrt(pi) * sum_n (-1)^n a^(2n+1) / (n! (2n+1)); for a < 1 the terms fall fast and barely cancel.
    private static double ErfMaclaurin(double a)
    {
        double a2 = a * a;
        double power = a;
        double sum = a;
        for (int n = 1; n < 60; n++)
        {
            power *= -a2 / n;
            double term = power / ((2 * n) + 1);
            sum += term;
            if (Math.Abs(term) <= sum * 1e-17)
            {
                break;
            }
        }

        return TwoOverSqrtPi * sum;
    }

    // erf(a) = 2/sqrt(pi) * e^(-a^2) * sum_n (2a^2)^n a / (1*3*...*(2n+1)): every term is positive, so no
    // cancellation. a^2 is split exactly (hi + lo) so that e^(-a^2) keeps full precision.
    private static double ErfSeries(double a)
    {
        double hi = a * a;
        double lo = Math.FusedMultiplyAdd(a, a, -hi);
        double twoA2 = 2.0 * hi;
        double term = a;
        double sum = a;
        for (int n = 0; n < 200; n++)
        {
            term *= twoA2 / ((2 * n) + 3);
            sum += term;
            if (term <= sum * 1e-17)
            {
                break;
            }
        }

        double gauss = Math.Exp(-hi) * (1.0 - lo);
        return TwoOverSqrtPi * gauss * sum;
    }

    // erfc(a) = e^(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), by the modified Lentz method. It
    // only needs ~1e-14 relative accuracy: erfc(1.5) < 0.034 is subtracted from 1.
    private static double ErfcContinuedFraction(double a)
    {
        const double Tiny = 1e-300;
        double f = a;
        double c = a;
        double d = 0.0;
        for (int k = 1; k < 500; k++)
        {
            double ak = 0.5 * k;
            d = a + (ak * d);
            d = Math.Abs(d) < Tiny ? 1.0 / Tiny : 1.0 / d;
            c = a + (ak / c);
            if (Math.Abs(c) < Tiny)
            {
                c = Tiny;
            }

            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-15)
            {
                break;
            }
        }

        return Math.Exp(-a * a) * OneOverSqrtPi / f;
    }
}
