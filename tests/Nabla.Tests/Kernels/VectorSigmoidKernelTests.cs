using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary><see cref="VectorSigmoid"/> against <c>1 / (1 + e^-x)</c> in double: lengths, special values, saturation.</summary>
public class VectorSigmoidKernelTests
{
    public static TheoryData<int> Lengths => [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sigmoid_LengthsAroundVectorWidths_MatchScalarBitsAndReference(int length)
    {
        var random = new Random(42);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 100f, -100f, -88.8f];
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 5 == 4 ? specials[i / 5 % specials.Length] : (float)((random.NextDouble() * 60) - 30);
        }

        var y = new float[length];
        VectorSigmoid.Sigmoid(x, y);
        for (int i = 0; i < length; i++)
        {
            float scalar = VectorSigmoid.Sigmoid(x[i]);
            Assert.True(scalar.Equals(y[i]), $"x = {x[i]:R}: vector {y[i]:R}, scalar {scalar:R}");
            if (float.IsNaN(x[i]))
            {
                Assert.True(float.IsNaN(y[i]));
                continue;
            }

            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            double ulp = exact < Math.Pow(2, -126) ? Math.Pow(2, -149) : Math.Pow(2, Math.ILogB(exact) - 23);
            Assert.True(Math.Abs(y[i] - exact) <= 3 * ulp, $"sigmoid({x[i]:R}) = {y[i]:R}, exact {exact:R}");
        }
    }

    [Fact]
    public void Sigmoid_SpecialValues_Saturate()
    {
        float[] x = [float.NegativeInfinity, -200f, -0f, 0f, 200f, float.PositiveInfinity, float.NaN];
        var y = new float[x.Length];
        VectorSigmoid.Sigmoid(x, y);
        Assert.Equal([0f, 0f, 0.5f, 0.5f, 1f, 1f], y[..6]);
        Assert.True(float.IsNaN(y[6]));
        var yd = new double[2];
        VectorSigmoid.Sigmoid<double>([0.0, 2.0], yd);
        Assert.Equal(0.5, yd[0]);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), yd[1], 1e-15);
    }
}
