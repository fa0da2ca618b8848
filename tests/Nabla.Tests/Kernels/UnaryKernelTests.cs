using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The hand-written scalar kernels (erf, expm1, log1p) against 200-bit mpmath references, and the span drivers.</summary>
public class UnaryKernelTests
{
    // mpmath.erf / expm1 / log1p at 200 bits, rounded to double.
    public static TheoryData<double, double> ErfReferences => new()
    {
        { 1e-300, 1.1283791670955126e-300 }, { 1e-20, 1.1283791670955125e-20 }, { 1e-08, 1.1283791670955126e-08 },
        { 0.001, 0.0011283787909692365 }, { 0.1, 0.1124629160182849 }, { 0.3, 0.3286267594591274 },
        { 0.5, 0.5204998778130465 }, { 0.75, 0.7111556336535151 }, { 0.99, 0.8385080695553698 },
        { 1.0, 0.8427007929497149 }, { 1.2, 0.9103139782296353 }, { 1.49, 0.9648978648432042 },
        { 1.5, 0.9661051464753108 }, { 1.75, 0.9866716712191824 }, { 2.0, 0.9953222650189527 },
        { 2.5, 0.999593047982555 }, { 3.0, 0.9999779095030014 }, { 4.0, 0.9999999845827421 },
        { 5.0, 0.9999999999984626 }, { 5.9, 0.9999999999999999 }, { 6.0, 1.0 }, { -0.5, -0.5204998778130465 },
        { -2.2, -0.9981371537020182 },
    };

    public static TheoryData<double, double> Expm1References => new()
    {
        { 1e-300, 1e-300 }, { 1e-17, 1e-17 }, { 1e-10, 1.00000000005e-10 }, { -1e-10, -9.999999999500001e-11 },
        { 1e-05, 1.0000050000166668e-05 }, { -0.0003, -0.0002999550044996625 }, { 0.01, 0.010050167084168058 },
        { -0.3, -0.2591817793182821 }, { 0.7, 1.0137527074704764 }, { 2.0, 6.38905609893065 },
        { -5.0, -0.9932620530009145 }, { 30.0, 10686474581523.463 }, { 700.0, 1.0142320547350045e+304 }, { -40.0, -1.0 },
    };

    public static TheoryData<double, double> Log1pReferences => new()
    {
        { 1e-300, 1e-300 }, { 1e-17, 1e-17 }, { 1e-10, 9.999999999500001e-11 }, { -1e-10, -1.00000000005e-10 },
        { 1e-05, 9.999950000333332e-06 }, { -0.0003, -0.00030004500900202545 }, { 0.01, 0.009950330853168083 },
        { -0.3, -0.35667494393873234 }, { -0.999, -6.907755278982136 }, { 0.7, 0.5306282510621704 },
        { 2.0, 1.0986122886681098 }, { 10000000000.0, 23.025850930040455 }, { 1e+300, 690.7755278982137 },
    };

    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257 };

    [Theory]
    [MemberData(nameof(ErfReferences))]
    public void Erf_Double_WithinFewUlpsOfReference(double x, double expected)
        => AssertRelative(expected, SpecialFunctions.Erf(x), 1e-15);

    [Theory]
    [MemberData(nameof(Expm1References))]
    public void Expm1_Double_WithinFewUlpsOfReference(double x, double expected)
        => AssertRelative(expected, SpecialFunctions.Expm1(x), 1e-15);

    [Theory]
    [MemberData(nameof(Log1pReferences))]
    public void Log1p_Double_WithinFewUlpsOfReference(double x, double expected)
        => AssertRelative(expected, SpecialFunctions.Log1p(x), 1e-15);

    [Fact]
    public void SpecialFunctions_SpecialValues_FollowIeee()
    {
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.True(double.IsNegative(SpecialFunctions.Erf(-0.0)) && SpecialFunctions.Erf(-0.0) == 0);
        Assert.True(double.IsNaN(SpecialFunctions.Expm1(double.NaN)));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Expm1(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Expm1(double.NegativeInfinity));
        Assert.True(double.IsNegative(SpecialFunctions.Expm1(-0.0)));
        Assert.True(double.IsNaN(SpecialFunctions.Log1p(double.NaN)));
        Assert.True(double.IsNaN(SpecialFunctions.Log1p(-2)));
        Assert.Equal(double.NegativeInfinity, SpecialFunctions.Log1p(-1));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Log1p(double.PositiveInfinity));
        Assert.True(double.IsNegative(SpecialFunctions.Log1p(-0.0)));
    }

    [Fact]
    public void Erf_DenseGrid_OddMonotoneAndBounded()
    {
        double previous = -1;
        for (double x = -7; x <= 7; x += 0.001)
        {
            double y = SpecialFunctions.Erf(x);
            Assert.True(y >= previous - 2e-16 && y <= 1 && y >= -1, $"erf({x}) = {y} after {previous}");
            Assert.Equal(-y, SpecialFunctions.Erf(-x));
            previous = y;
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ErfKernel_AllLengthsWithSpecials_MatchScalar(int length)
    {
        double[] x = Inputs(length);
        var y = new double[length];
        ErfOp.Kernel.Apply<double>(x, y);
        float[] xf = Array.ConvertAll(x, v => (float)v);
        var yf = new float[length];
        ErfOp.Kernel.Apply<float>(xf, yf);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(SpecialFunctions.Erf(x[i]), y[i]);
            Assert.Equal((float)SpecialFunctions.Erf(xf[i]), yf[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReluAndSoftplusKernels_AllLengthsWithSpecials_MatchScalar(int length)
    {
        float[] x = Array.ConvertAll(Inputs(length), v => (float)v);
        var relu = new float[length];
        var softplus = new float[length];
        ReluOp.Kernel.Apply<float>(x, relu);
        SoftplusOp.Kernel.Apply<float>(x, softplus);
        for (int i = 0; i < length; i++)
        {
            float v = x[i];
            Assert.Equal(float.IsNaN(v) ? float.NaN : Math.Max(v, 0f), relu[i]);
            double sp = Math.Log(1 + Math.Exp(-Math.Abs((double)v))) + Math.Max(v, 0.0);
            Assert.Equal((float)sp, softplus[i]);
        }
    }

    // A seeded mix of ordinary values with NaN, +-Inf and +-0 sprinkled in.
    private static double[] Inputs(int length)
    {
        var random = new Random(42);
        double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0];
        var x = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 7 == 3 ? specials[i % specials.Length] : (random.NextDouble() - 0.5) * 12;
        }

        return x;
    }

    private static void AssertRelative(double expected, double actual, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"expected {expected:R}, got {actual:R} (relative error {error:R})");
    }
}
