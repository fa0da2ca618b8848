using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// <see cref="VectorTanh"/>: exact signed zeros, odd symmetry and small-input accuracy at every length around the SIMD
/// widths (TensorPrimitives.Tanh gave tanh(0) = -5.96e-8 for 4+ floats), in place as out of place.
/// </summary>
public class VectorTanhKernelTests
{
    public static TheoryData<int> Lengths => new() { 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_Zeros_GivesExactSignedZeros(int length)
    {
        foreach (float zero in new[] { 0f, -0f })
        {
            float[] x = Enumerable.Repeat(zero, length).ToArray();
            float[] y = new float[length];
            VectorTanh.Apply<float>(x, y);
            Assert.All(y, v => Assert.Equal(BitConverter.SingleToInt32Bits(zero), BitConverter.SingleToInt32Bits(v)));
        }

        double[] xd = new double[length];
        double[] yd = new double[length];
        VectorTanh.Apply<double>(xd, yd);
        Assert.All(yd, v => Assert.Equal(0L, BitConverter.DoubleToInt64Bits(v)));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_Float32_OddAndAccurateNearZero(int length)
    {
        var random = new Random(length);
        float[] x = new float[length];
        for (int i = 0; i < length; i++)
        {
            // Mostly small magnitudes (where the defect was), some up to 4, some tiny.
            double scale = (i % 3) switch { 0 => 1e-6, 1 => 0.2, _ => 4 };
            x[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        float[] y = new float[length];
        float[] yNegated = new float[length];
        VectorTanh.Apply<float>(x, y);
        VectorTanh.Apply<float>(x.Select(v => -v).ToArray(), yNegated);
        for (int i = 0; i < length; i++)
        {
            double expected = Math.Tanh(x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= (4e-7 * Math.Abs(expected)) + 1e-45, $"tanh({x[i]:R}) = {y[i]:R}, expected {expected:R}");
            Assert.Equal(-y[i], yNegated[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_Float64_AccurateNearZero(int length)
    {
        var random = new Random(length + 1);
        double[] x = Enumerable.Range(0, length).Select(i => ((random.NextDouble() * 2) - 1) * (i % 2 == 0 ? 1e-5 : 0.5)).ToArray();
        double[] y = new double[length];
        VectorTanh.Apply<double>(x, y);
        for (int i = 0; i < length; i++)
        {
            // The polynomial below 0.0625 is within an ulp or two; TensorPrimitives above it within a few ulps.
            double tolerance = Math.Abs(x[i]) < 0.0625 ? 4e-16 : 2e-15;
            double error = Math.Abs(y[i] - Math.Tanh(x[i])) / Math.Abs(Math.Tanh(x[i]));
            Assert.True(error <= tolerance, $"tanh({x[i]:R}) = {y[i]:R}, relative error {error:G3}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_InPlace_EqualsOutOfPlace(int length)
    {
        var random = new Random(length + 2);
        float[] x = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 0.5)).ToArray();
        float[] expected = new float[length];
        VectorTanh.Apply<float>(x, expected);
        VectorTanh.Apply<float>(x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void TfTanh_OfZeros_IsExactlyZero()
    {
        Assert.All(Tf.Tanh(Tf.Zeros([9])).ToArray<float>(), v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }
}
