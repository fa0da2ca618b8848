using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Tf.Random.Categorical and Tf.Random.Shuffle: distributions, seeds, gradients and errors.</summary>
[Collection(RandomTests.SeedCollection)]
public class RandomSamplingTests
{
    [Fact]
    public void Categorical_Frequencies_MatchSoftmax()
    {
        double[] logits = [0.5, -1, 2, double.NegativeInfinity, 0];
        const int Samples = 40000;
        Tensor samples = Tf.Random.Categorical(Tf.Constant(logits, [1, 5]), Samples, seed: 3);
        Assert.Equal(new Shape(1, Samples), samples.Shape);
        Assert.Equal(DType.Int64, samples.DType);
        double total = logits.Sum(v => Math.Exp(v));
        long[] drawn = samples.ToArray<long>();
        for (int c = 0; c < logits.Length; c++)
        {
            double p = Math.Exp(logits[c]) / total;
            double frequency = drawn.Count(v => v == c) / (double)Samples;

            // Five standard deviations of a binomial proportion; the -inf class is never drawn.
            Assert.InRange(frequency, p - (5 * Math.Sqrt(p * (1 - p) / Samples)), p + (5 * Math.Sqrt(p * (1 - p) / Samples)));
        }
    }

    [Fact]
    public void Categorical_SeedsAndRows_AreReproducibleAndIndependent()
    {
        Tensor logits = Tf.Constant(new float[,] { { 0, 0, 0 }, { 5, -5, -5 } });
        Tf.Random.SetSeed(11);
        long[] first = Tf.Random.Categorical(logits, 50).ToArray<long>();
        Tf.Random.SetSeed(11);
        Assert.Equal(first, Tf.Random.Categorical(logits, 50).ToArray<long>());
        Assert.Contains(first.Take(50), v => v == 2);
        Assert.True(first.Skip(50).Count(v => v == 0) > 45);
        Tensor ints = Tf.Random.Categorical(logits, 4, DType.Int32, seed: 1);
        Assert.Equal(DType.Int32, ints.DType);
        Assert.Equal(new Shape(2, 0), Tf.Random.Categorical(logits, 0).Shape);
        Assert.Equal([0L, 0L], Tf.Random.Categorical(Tf.Constant(new[,] { { double.NegativeInfinity, double.NegativeInfinity } }), 2, seed: 1).ToArray<long>());
    }

    [Fact]
    public void Categorical_BadArguments_ThrowNamingMultinomial()
    {
        foreach (Func<Tensor> bad in new Func<Tensor>[]
        {
            () => Tf.Random.Categorical(Tf.Zeros([3]), 2),
            () => Tf.Random.Categorical(Tf.Zeros([2, 0]), 2),
            () => Tf.Random.Categorical(Tf.Zeros([2, 3]), -1),
            () => Tf.Random.Categorical(Tf.Zeros([2, 3]), 2, DType.Float32),
            () => Tf.Random.Categorical(Tf.Zeros([2, 3], DType.Int32), 2),
        })
        {
            Assert.Contains("Multinomial", Assert.Throws<ArgumentException>(bad).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Shuffle_PermutesRows_Reproducibly()
    {
        Tensor x = Tf.Reshape(Tf.Range(0, 40), [20, 2]);
        Tf.Random.SetSeed(5);
        Tensor a = Tf.Random.Shuffle(x);
        Tf.Random.SetSeed(5);
        Tensor b = Tf.Random.Shuffle(x);
        Assert.Equal(a.ToArray<int>(), b.ToArray<int>());
        Assert.NotEqual(x.ToArray<int>(), a.ToArray<int>());
        int[] rows = a.ToArray<int>();
        Assert.Equal(Enumerable.Range(0, 20), rows.Where((_, i) => i % 2 == 0).Select(v => v / 2).Order());
        Assert.All(Enumerable.Range(0, 20), r => Assert.Equal(rows[2 * r] + 1, rows[(2 * r) + 1]));
        Assert.NotEqual(a.ToArray<int>(), Tf.Random.Shuffle(x, seed: 9).ToArray<int>());
        Assert.Equal(3, Tf.Random.Shuffle(Tf.Constant(3)).Item<int>());
        Assert.Equal(new Shape(0, 2), Tf.Random.Shuffle(Tf.Zeros([0, 2])).Shape);
    }

    [Fact]
    public void Shuffle_PositionsAreUniform()
    {
        // Each of 4 items lands at each of 4 places about a quarter of the time.
        var counts = new int[4, 4];
        Tf.Random.SetSeed(2);
        for (int trial = 0; trial < 4000; trial++)
        {
            int[] p = Tf.Random.Shuffle(Tf.Range(0, 4)).ToArray<int>();
            for (int place = 0; place < 4; place++)
            {
                counts[p[place], place]++;
            }
        }

        foreach (int c in counts)
        {
            Assert.InRange(c, 1000 - 140, 1000 + 140);
        }
    }

    [Fact]
    public void Shuffle_GradientFollowsTheRows()
    {
        Tensor[] inputs = GradientCheck.RandomInputs(4, [new Shape(5, 2)]);
        Tensor F(Tensor[] x)
        {
            Tf.Random.SetSeed(8); // the same permutation on every evaluation
            return Tf.Square(Tf.Random.Shuffle(x[0]));
        }

        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }
}
