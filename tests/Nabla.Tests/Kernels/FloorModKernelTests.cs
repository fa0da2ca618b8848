using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The vectorised float32 floor modulo (<see cref="FloorModKernels"/>) against the scalar fmod-based reference,
/// bit for bit: random pairs over wide exponent ranges, dividends a few ulps from multiples of the divisor,
/// huge quotients, zero divisors, NaN, infinities and signed zeros, for all three run shapes and lengths around
/// the SIMD widths.
/// </summary>
public class FloorModKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly float[] s_specials =
        [0f, -0f, 1f, -1f, 3f, -3f, 0.1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1e30f, -1e-30f, float.MaxValue];

    private static float Value(Random random)
    {
        switch (random.Next(6))
        {
            case 0: return s_specials[random.Next(s_specials.Length)];
            case 1: return (float)((random.NextDouble() * 20) - 10);
            case 2: return (float)(Math.Pow(2, random.Next(-40, 40)) * ((random.NextDouble() * 2) - 1));
            default: return MathF.Round((float)((random.NextDouble() * 200) - 100));
        }
    }

    private static float[] Dividends(Random random, float[] divisors)
    {
        var x = new float[divisors.Length];
        for (int i = 0; i < x.Length; i++)
        {
            // Often a few ulps around a multiple of the divisor, where the rounded quotient can be one too large.
            x[i] = random.Next(2) == 0 ? Value(random) : BitConverter.Int32BitsToSingle(
                BitConverter.SingleToInt32Bits(divisors[i] * random.Next(-1000, 1000)) + random.Next(-2, 3));
        }

        return x;
    }

    private static void AssertSame(float expected, float actual, string where)
        => Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)),
            $"{where}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void FloorModRuns_AllLengthsAndShapes_MatchScalarBitForBit()
    {
        var random = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            foreach (int n in s_lengths)
            {
                float[] y = new float[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = Value(random);
                }

                float[] x = Dividends(random, y);
                var z = new float[n];
                FloorModKernels.Run(x, y, z);
                for (int i = 0; i < n; i++)
                {
                    AssertSame(FloorModKernels.Scalar(x[i], y[i]), z[i], $"{x[i]:R} mod {y[i]:R}");
                }

                float ys = Value(random);
                FloorModKernels.Run(x, ys, z);
                for (int i = 0; i < n; i++)
                {
                    AssertSame(FloorModKernels.Scalar(x[i], ys), z[i], $"{x[i]:R} mod {ys:R}");
                }

                float xs = Value(random);
                FloorModKernels.Run(xs, y, z);
                for (int i = 0; i < n; i++)
                {
                    AssertSame(FloorModKernels.Scalar(xs, y[i]), z[i], $"{xs:R} mod {y[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void FloorMod_PythonSigns_AndSignedZeros()
    {
        float[] x = [7f, -7f, 7f, -7f, -4f, 4f, -0f, 0f, 1e10f, -1e-30f, 5.5f, -5.5f, 1f, 2f, 3f, 4f, 5f];
        float[] y = [3f, 3f, -3f, -3f, 2f, -2f, 3f, -3f, 3f, 1f, 2f, 2f, 0f, float.PositiveInfinity, float.NegativeInfinity, 3f, -3f];
        var z = new float[x.Length];
        FloorModKernels.Run(x, y, z);
        float[] expected = [1f, 2f, -2f, -1f, -0f, 0f, -0f, 0f, 1f, 1f, 1.5f, 0.5f, float.NaN, 2f, float.NegativeInfinity, 1f, -1f];
        for (int i = 0; i < x.Length; i++)
        {
            AssertSame(expected[i], z[i], $"{x[i]:R} mod {y[i]:R}");
        }
    }
}
