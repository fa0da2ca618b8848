using Nabla.Data;
using static Nabla.Tests.Data.DatasetSourceTests;

namespace Nabla.Tests.Data;

// Shuffle without a seed draws one from Tf.Random: share the collection of tests that set the global seed.
[Collection(Nabla.Tests.Ops.RandomTests.SeedCollection)]
public class ShuffleTests
{
    [Fact]
    public void Shuffle_SameSeed_SameOrders_AndEachIterationReshuffles()
    {
        Dataset<Tensor> a = Dataset.Range(50).Shuffle(50, seed: 7);
        Dataset<Tensor> b = Dataset.Range(50).Shuffle(50, seed: 7);
        long[] a1 = Longs(a), a2 = Longs(a);
        Assert.Equal(a1, Longs(b));
        Assert.Equal(a2, Longs(b));
        Assert.NotEqual(a1, a2);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a1.Order());
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), a1);
        Assert.NotEqual(a1, Longs(Dataset.Range(50).Shuffle(50, seed: 8)));
    }

    [Fact]
    public void Shuffle_WithoutReshuffle_RepeatsTheFirstOrder()
    {
        Dataset<Tensor> ds = Dataset.Range(30).Shuffle(30, seed: 1, reshuffleEachIteration: false);
        Assert.Equal(Longs(ds), Longs(ds));
        long[] twoPasses = Longs(ds.Repeat(2));
        Assert.Equal(twoPasses[..30], twoPasses[30..]);
    }

    [Fact]
    public void Shuffle_BeforeRepeat_GivesEachPassANewOrder()
    {
        long[] twoPasses = Longs(Dataset.Range(30).Shuffle(30, seed: 1).Repeat(2));
        Assert.NotEqual(twoPasses[..30], twoPasses[30..]);
        Assert.Equal(twoPasses[..30].Order(), twoPasses[30..].Order());
    }

    [Fact]
    public void Shuffle_BufferOfOne_KeepsTheOrder() =>
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), Longs(Dataset.Range(20).Shuffle(1, seed: 5)));

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Shuffle_ElementsMoveEarlierByLessThanTheBuffer(int buffer)
    {
        // TensorFlow's buffer: output k is drawn from the buffered inputs, which never reach past input k + buffer - 1.
        for (int seed = 0; seed < 20; seed++)
        {
            long[] order = Longs(Dataset.Range(100).Shuffle(buffer, seed: seed));
            Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), order.Order());
            for (int k = 0; k < order.Length; k++)
            {
                Assert.True(order[k] <= k + buffer - 1, $"seed {seed}: output {k} is input {order[k]}, beyond a buffer of {buffer}");
            }
        }
    }

    [Fact]
    public void Shuffle_FullBuffer_PutsEveryElementFirstAboutEquallyOften()
    {
        // 4,000 fixed seeds: each of 5 elements should come first ~800 times (a binomial sd of ~25).
        var firsts = new int[5];
        for (int seed = 0; seed < 4000; seed++)
        {
            firsts[Dataset.Range(5).Shuffle(5, seed: seed).First().Item<long>()]++;
        }

        Assert.All(firsts, count => Assert.InRange(count, 700, 900));
    }

    [Fact]
    public void Shuffle_NoSeed_FollowsTheGlobalSeed()
    {
        Tf.Random.SetSeed(42);
        long[] first = Longs(Dataset.Range(40).Shuffle(40));
        Tf.Random.SetSeed(42);
        long[] second = Longs(Dataset.Range(40).Shuffle(40));
        Assert.Equal(first, second);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Range(4).Shuffle(0));
    }
}
