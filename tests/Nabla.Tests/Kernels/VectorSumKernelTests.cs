using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// <see cref="VectorSum"/> (float32 sum with eight vector accumulators) against a double-precision sum: every
/// length around the vector widths, NaN and infinities, and the accuracy of a whole 16M-element ReduceSum.
/// </summary>
[Collection("ParallelFor settings")]
public class VectorSumKernelTests
{
    public static TheoryData<int> Lengths => [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4099];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sum_LengthsAroundVectorWidths_MatchesDoubleReference(int length)
    {
        var random = new Random(42);
        float[] x = [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        double expected = x.Sum(v => (double)v);
        float actual = VectorSum.Sum(x);
        Assert.Equal(expected, actual, 1e-6 * (1 + x.Sum(v => Math.Abs((double)v))));
        Assert.Equal(actual, VectorSum.Sum<float>(x));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(129)]
    [InlineData(257)]
    public void Sum_NaNAndInfinities_PropagateAsInIeeeAddition(int length)
    {
        foreach (int at in new[] { 0, length / 2, length - 1 })
        {
            var x = new float[length];
            Array.Fill(x, 1f);
            x[at] = float.NaN;
            Assert.True(float.IsNaN(VectorSum.Sum(x)));
            x[at] = float.PositiveInfinity;
            Assert.Equal(float.PositiveInfinity, VectorSum.Sum(x));
            x[at] = float.NegativeInfinity;
            Assert.Equal(float.NegativeInfinity, VectorSum.Sum(x));
            if (length > 1)
            {
                x[(at + 1) % length] = float.PositiveInfinity;
                Assert.True(float.IsNaN(VectorSum.Sum(x)));
            }
        }

        Assert.Equal(0f, VectorSum.Sum([-0f, 0f, -0f]));
        Assert.Equal(0f, VectorSum.Sum(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Sum_OtherElementTypes_GoThroughTensorPrimitives()
    {
        Assert.Equal(15, VectorSum.Sum<int>([1, 2, 3, 4, 5]));
        Assert.Equal(1.5, VectorSum.Sum<double>([0.5, 1.0]));
    }

    [Fact]
    public void ReduceSum_16MFloat32_CloseToDoubleReferenceAndIndependentOfThreads()
    {
        const int N = 16 * 1024 * 1024;
        var random = new Random(42);
        var x = new float[N];
        double expected = 0;
        for (int i = 0; i < N; i++)
        {
            x[i] = (float)random.NextDouble();
            expected += x[i];
        }

        int saved = ParallelFor.MaxDegreeOfParallelism;
        try
        {
            ParallelFor.MaxDegreeOfParallelism = 1;
            float one = Tf.ReduceSum(Tf.Constant(x, [N])).Read<float>()[0];
            ParallelFor.MaxDegreeOfParallelism = 2;
            float two = Tf.ReduceSum(Tf.Constant(x, [N])).Read<float>()[0];

            // A running float sum of 16M values near 0.5 would be off by percents; blocked accumulation stays
            // within a few float ulps of the exact sum (8.4e6: one ulp is 1).
            Assert.Equal(expected, one, 8.0);
            Assert.Equal(one, two);
        }
        finally
        {
            ParallelFor.MaxDegreeOfParallelism = saved;
        }
    }
}
