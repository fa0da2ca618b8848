using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// <see cref="VectorExp"/> (float32 e^x) against <see cref="Math.Exp(double)"/>: error in ulps of the exact result
/// (subnormal ulps below 2^-126), special values, the overflow and underflow thresholds, and that every length
/// (vector body plus scalar tail, whichever widths this run accelerates) gives the scalar function's bits.
/// </summary>
public class VectorExpKernelTests
{
    // Measured exhaustively over every float in [-128, 128] (and the binades around 0) when written: 1.01 ulp
    // with FMA, 0.99 without. The bound asserted leaves room but stays under the 2 ulp target.
    private const double MaxUlp = 1.5;

    public static TheoryData<int> Lengths => [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Exp_LengthsAroundVectorWidths_MatchScalarBitsAndReference(int length)
    {
        var random = new Random(42);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 88.7f, -100f, 1e-30f];
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 5 == 4 ? specials[i / 5 % specials.Length] : (float)((random.NextDouble() * 200) - 100);
        }

        var y = new float[length];
        VectorExp.Exp(x, y);
        for (int i = 0; i < length; i++)
        {
            float scalar = VectorExp.Exp(x[i]);
            Assert.True(BitConverter.SingleToInt32Bits(scalar) == BitConverter.SingleToInt32Bits(y[i]) || (float.IsNaN(scalar) && float.IsNaN(y[i])), $"x = {x[i]:R}: vector {y[i]:R}, scalar {scalar:R}");
            AssertWithinUlps(x[i], y[i]);
        }
    }

    [Fact]
    public void Exp_SpecialValues_FollowIeee()
    {
        float[] x = [float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon];
        float[] expected = [float.NaN, float.NaN, float.PositiveInfinity, 0f, 1f, 1f, float.PositiveInfinity, 0f, 1f, 1f];
        foreach (int copies in new[] { 1, 5 })
        {
            // Once in the tail, and repeated so the values also pass through the vector body.
            float[] input = [.. Enumerable.Repeat(x, copies).SelectMany(v => v)];
            var y = new float[input.Length];
            VectorExp.Exp(input, y);
            for (int i = 0; i < input.Length; i++)
            {
                float e = expected[i % x.Length];
                Assert.True(float.IsNaN(e) ? float.IsNaN(y[i]) : e.Equals(y[i]), $"exp({input[i]:R}) = {y[i]:R}, expected {e:R}");
            }
        }

        Assert.Equal(0, BitConverter.SingleToInt32Bits(VectorExp.Exp(float.NegativeInfinity))); // +0, not -0
    }

    [Fact]
    public void Exp_OverflowAndUnderflowThresholds_RoundCorrectly()
    {
        const float LargestFinite = 88.72283f; // e^x < float.MaxValue
        const float SmallestNormal = -87.33654f; // e^x >= 2^-126
        const float SmallestNonZero = -103.97207f; // e^x rounds to 2^-149
        Assert.True(float.IsFinite(VectorExp.Exp(LargestFinite)));
        Assert.Equal(float.PositiveInfinity, VectorExp.Exp(MathF.BitIncrement(LargestFinite)));
        Assert.Equal(float.PositiveInfinity, VectorExp.Exp(89f));
        Assert.Equal(float.Epsilon, VectorExp.Exp(SmallestNonZero));
        Assert.Equal(0f, VectorExp.Exp(-104f));

        // Around each threshold, vector and scalar alike, within the ulp bound (subnormal ulps below 2^-126).
        var x = new List<float>();
        foreach (float t in new[] { LargestFinite, SmallestNormal, SmallestNonZero, -88f, -95f, -100f, -103.5f })
        {
            float v = t;
            for (int i = 0; i < 300; i++)
            {
                v = MathF.BitDecrement(v);
            }

            for (int i = 0; i < 600; i++)
            {
                x.Add(v);
                v = MathF.BitIncrement(v);
            }
        }

        var y = new float[x.Count];
        VectorExp.Exp(x.ToArray(), y);
        for (int i = 0; i < x.Count; i++)
        {
            AssertWithinUlps(x[i], y[i]);
        }
    }

    [Fact]
    public void Exp_DenseSweepOfFloatBitPatternsAndRandomValues_WithinUlpBound()
    {
        // Every 1021st bit pattern of both signs up to |x| = 110 (through the subnormal inputs, the flat region
        // around 0, the subnormal outputs and past overflow), then uniform random values over the finite range.
        var x = new List<float>();
        int top = BitConverter.SingleToInt32Bits(110f);
        for (int bits = 0; bits <= top; bits += 1021)
        {
            float v = BitConverter.Int32BitsToSingle(bits);
            x.Add(v);
            x.Add(-v);
        }

        var random = new Random(42);
        for (int i = 0; i < 200_000; i++)
        {
            x.Add((float)((random.NextDouble() * 193) - 104));
        }

        float[] input = [.. x];
        var y = new float[input.Length];
        VectorExp.Exp(input, y);
        double worst = 0;
        for (int i = 0; i < input.Length; i++)
        {
            worst = Math.Max(worst, UlpError(input[i], y[i]));
        }

        Assert.True(worst <= MaxUlp, $"worst error {worst:F3} ulp");
    }

    [Fact]
    public void Exp_InPlace_MatchesSeparateOutput()
    {
        var random = new Random(42);
        float[] x = [.. Enumerable.Range(0, 1000).Select(_ => (float)((random.NextDouble() * 40) - 20))];
        var y = new float[x.Length];
        VectorExp.Exp(x, y);
        VectorExp.Exp(x, x);
        Assert.Equal(y, x);
    }

    [Fact]
    public void Exp_GenericDispatch_UsesOwnKernelForFloatAndStaysAccurateForDouble()
    {
        float[] xf = [-3.5f, 0.25f, 10f, 80f, -90f];
        var yf = new float[xf.Length];
        VectorExp.Exp<float>(xf, yf);
        Assert.Equal(xf.Select(VectorExp.Exp), yf);

        double[] xd = [-3.5, 0.25, 10, 700, -740];
        var yd = new double[xd.Length];
        VectorExp.Exp<double>(xd, yd);
        for (int i = 0; i < xd.Length; i++)
        {
            Assert.Equal(Math.Exp(xd[i]), yd[i], Math.Exp(xd[i]) * 1e-15);
        }
    }

    [Fact]
    public void Exp_ShortDestination_Throws()
        => Assert.Throws<ArgumentException>(() => VectorExp.Exp(new float[4], new float[3]));

    private static void AssertWithinUlps(float x, float y)
    {
        double error = UlpError(x, y);
        Assert.True(error <= MaxUlp, $"exp({x:R}) = {y:R}, exact {Math.Exp(x):R}: {error:F3} ulp");
    }

    // |y - e^x| in units of the last place of the exact value as a float (2^-149 below 2^-126); an exact value
    // that rounds to +Inf must give +Inf, and +Inf counts as 2^128 against exact values just below overflow.
    private static double UlpError(float x, float y)
    {
        if (float.IsNaN(x))
        {
            return float.IsNaN(y) ? 0 : double.PositiveInfinity;
        }

        double exact = Math.Exp(x);
        if (float.IsPositiveInfinity((float)exact))
        {
            return float.IsPositiveInfinity(y) ? 0 : double.PositiveInfinity;
        }

        double actual = float.IsPositiveInfinity(y) ? Math.Pow(2, 128) : y;
        double ulp = exact < Math.Pow(2, -126) ? Math.Pow(2, -149) : Math.Pow(2, Math.ILogB(exact) - 23);
        return Math.Abs(actual - exact) / ulp;
    }
}
