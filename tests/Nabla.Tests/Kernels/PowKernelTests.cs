using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// <see cref="PowKernels"/>: the scalar-exponent shortcuts (0, 1, 2, -1, 0.5, 3) give what C's <c>pow</c> gives
/// (Math.Pow in float64, narrowed for float32; float64 within libm's ulp, since x*x, 1/x and sqrt are correctly
/// rounded and libm's pow is not always), for lengths around the SIMD widths, with NaN, infinities,
/// signed zeros and negative bases; the general path keeps pow's NaN for a negative base and a fractional exponent.
/// </summary>
public class PowKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly double[] s_specials =
        [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 1e-3, -7.25, 1e20, -1e20, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon];

    public static TheoryData<double> Exponents() => new() { 0, 1, 2, -1, 0.5, 3, 2.7, -0.5 };

    private static double[] Inputs(int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = random.Next(3) == 0 ? s_specials[random.Next(s_specials.Length)] : (random.NextDouble() * 8) - 4;
        }

        return values;
    }

    [Theory]
    [MemberData(nameof(Exponents))]
    public void PowScalarExponent_Float64_MatchesMathPow(double exponent)
    {
        foreach (int n in s_lengths)
        {
            double[] x = Inputs(n, n);
            var z = new double[n];
            PowKernels.Pow<double>(x, exponent, z);
            for (int i = 0; i < n; i++)
            {
                double expected = Math.Pow(x[i], exponent);
                if (double.IsFinite(expected) && expected != 0)
                {
                    // libm's pow is within an ulp; the shortcuts (x*x, 1/x, sqrt correctly rounded; x*x*x) may differ by that.
                    Assert.Equal(expected, z[i], Math.Abs(expected) * 4.5e-16);
                }
                else
                {
                    Assert.True(expected.Equals(z[i]), $"pow({x[i]}, {exponent}) = {expected}, got {z[i]} (n = {n}, i = {i})");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Exponents))]
    public void PowScalarExponent_Float32_MatchesMathPowNarrowed(double exponent)
    {
        foreach (int n in s_lengths)
        {
            float[] x = Array.ConvertAll(Inputs(n, n + 1000), v => (float)v);
            var z = new float[n];
            PowKernels.Pow<float>(x, (float)exponent, z);
            for (int i = 0; i < n; i++)
            {
                float expected = (float)Math.Pow(x[i], (float)exponent);
                bool fastPath = exponent is 0 or 1 or 2 or -1 or 0.5 or 3;
                if (fastPath || !float.IsFinite(expected) || expected == 0)
                {
                    Assert.True(expected.Equals(z[i]), $"pow({x[i]}, {exponent}) = {expected}, got {z[i]} (n = {n}, i = {i})");
                }
                else
                {
                    Assert.Equal(expected, z[i], Math.Abs(expected) * 2.5e-7f);   // powf vs pow narrowed: an ulp
                }
            }
        }
    }

    [Fact]
    public void PowSpans_NegativeBaseFractionalExponent_IsNaN_IntegerExponentIsSigned()
    {
        double[] x = [-8, -8, -2, 0, -0.0, double.NaN, 1];
        double[] y = [1.0 / 3, 3, 2, -1, -1, 0, double.NaN];
        var z = new double[x.Length];
        PowKernels.Pow<double>(x, y, z);
        Assert.True(double.IsNaN(z[0]));
        Assert.Equal(-512.0, z[1]);
        Assert.Equal(4.0, z[2]);
        Assert.Equal(double.PositiveInfinity, z[3]);
        Assert.Equal(double.NegativeInfinity, z[4]);
        Assert.Equal(1.0, z[5]);
        Assert.Equal(1.0, z[6]);
    }

    [Fact]
    public void PowScalarBase_MatchesMathPow()
    {
        double[] y = [0, 0.5, 2, -1, 3, double.NaN, double.PositiveInfinity];
        var z = new double[y.Length];
        PowKernels.Pow(-2.0, y, z);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(Math.Pow(-2.0, y[i]), z[i]);
        }
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(0.5f)]
    [InlineData(-1f)]
    [InlineData(3f)]
    public void TfPow_ScalarExponent_EqualsGeneralBroadcastPath(float exponent)
    {
        float[] values = [-3f, -0f, 0f, 0.25f, 1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 7f];
        Tensor x = Tf.Constant(values);
        Tensor fast = Tf.Pow(x, Tf.Constant(exponent));
        Tensor general = Tf.Pow(x, Tf.Fill([values.Length], exponent));
        Assert.Equal(general.ToArray<float>(), fast.ToArray<float>());
    }
}
