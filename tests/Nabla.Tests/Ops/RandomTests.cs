using Nabla.Kernels;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

[Collection(SeedCollection)]
public class RandomTests
{
    /// <summary>Tests that set the global seed share this collection so that they never run in parallel.</summary>
    public const string SeedCollection = "Global random seed";

    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox_Random123KnownAnswers_Match(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox.Block(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void Philox_FillAndStream_AgreeWithBlocks()
    {
        foreach (int length in new[] { 0, 1, 3, 4, 5, 8, 17 })
        {
            var words = new uint[length];
            Philox.Fill(words, 0x1234_5678_9abc_def0, 7);
            var stream = new PhiloxStream(0x1234_5678_9abc_def0, 7);
            for (int i = 0; i < length; i++)
            {
                (uint x0, uint x1, uint x2, uint x3) = Philox.Block((uint)(i / 4), 0, 7, 0, 0x9abc_def0, 0x1234_5678);
                Assert.Equal(new[] { x0, x1, x2, x3 }[i % 4], words[i]);
                Assert.Equal(words[i], stream.NextUInt32());
            }
        }
    }

    [Fact]
    public void Random_SameSeed_SameValues_DifferentSeeds_Differ()
    {
        Tf.Random.SetSeed(1);
        double[] a1 = AssertTensor.ToDoubles(Tf.Random.Uniform([50]));
        double[] a2 = AssertTensor.ToDoubles(Tf.Random.Normal([50], seed: 4));
        double[] a3 = AssertTensor.ToDoubles(Tf.Random.Normal([50], seed: 4));
        Tf.Random.SetSeed(1);
        Assert.Equal(a1, AssertTensor.ToDoubles(Tf.Random.Uniform([50])));
        Assert.Equal(a2, AssertTensor.ToDoubles(Tf.Random.Normal([50], seed: 4)));
        Assert.Equal(a3, AssertTensor.ToDoubles(Tf.Random.Normal([50], seed: 4)));
        Assert.NotEqual(a2, a3);
        Tf.Random.SetSeed(2);
        Assert.NotEqual(a1, AssertTensor.ToDoubles(Tf.Random.Uniform([50])));
        Assert.NotEqual(
            AssertTensor.ToDoubles(Tf.Random.TruncatedNormal([50], seed: 1)),
            AssertTensor.ToDoubles(Tf.Random.TruncatedNormal([50], seed: 2)));
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("float64")]
    [InlineData("float16")]
    [InlineData("bfloat16")]
    public void Uniform_100kSamples_MeanAndVarianceWithinBounds(string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor t = Tf.Random.Uniform([100_000], -1, 3, dtype, seed: 11);
        Assert.Equal(dtype, t.DType);
        double[] v = AssertTensor.ToDoubles(t);
        (double mean, double variance) = Moments(v);

        // Uniform(-1, 3): mean 1, variance 16/12; the mean's standard error is ~0.0037.
        Assert.InRange(mean, 0.98, 1.02);
        Assert.InRange(variance, 1.30, 1.37);
        Assert.All(v, x => Assert.InRange(x, -1, 3));
    }

    [Fact]
    public void UniformInt_And_Normal_And_TruncatedNormal_HaveTheRightDistribution()
    {
        foreach (DType dtype in new[] { DType.Int32, DType.Int64 })
        {
            double[] ints = AssertTensor.ToDoubles(Tf.Random.Uniform([100_000], -3, 5, dtype, seed: 2));
            Assert.All(ints, x => Assert.True(x >= -3 && x < 5 && x == System.Math.Floor(x)));
            (double intMean, double intVar) = Moments(ints);
            Assert.InRange(intMean, 0.45, 0.55);
            Assert.InRange(intVar, 5.1, 5.4); // (8^2 - 1) / 12 = 5.25
        }

        (double mean, double variance) = Moments(AssertTensor.ToDoubles(Tf.Random.Normal([100_000], 2, 3, DType.Float64, seed: 3)));
        Assert.InRange(mean, 1.95, 2.05);
        Assert.InRange(variance, 8.8, 9.2);

        double[] truncated = AssertTensor.ToDoubles(Tf.Random.TruncatedNormal([100_000], 1, 2, seed: 4));
        Assert.All(truncated, x => Assert.InRange(x, 1 - 4.0001, 1 + 4.0001));
        (double tMean, double tVar) = Moments(truncated);
        Assert.InRange(tMean, 0.97, 1.03);
        Assert.InRange(tVar, 4 * 0.76, 4 * 0.79); // variance of a standard normal truncated at ±2 is 0.7737
    }

    [Fact]
    public void Random_BadArguments_Throw()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Random.Uniform([3], 5, 5, DType.Int32));
        Assert.Contains("RandomUniformInt", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Random.Normal([3], dtype: DType.Int32));
        Assert.Throws<ArgumentException>(() => Tf.Random.Uniform([3], dtype: DType.Bool));
        Assert.Equal(new Shape(0, 3), Tf.Random.TruncatedNormal([0, 3]).Shape);
    }

    private static (double Mean, double Variance) Moments(double[] v)
    {
        double mean = v.Average();
        double variance = v.Sum(x => (x - mean) * (x - mean)) / v.Length;
        return (mean, variance);
    }
}
