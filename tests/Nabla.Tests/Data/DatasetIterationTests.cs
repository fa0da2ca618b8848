using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary>Iterator life cycles across operators: exhaustion, independent iterations, cardinalities, bounded buffers.</summary>
public class DatasetIterationTests
{
    public static TheoryData<string> Pipelines => ["map-batch", "shuffle", "prefetch", "parallel-map", "window", "cache", "zip", "padded"];

    private static Dataset<Tensor> Pipeline(string name) => name switch
    {
        "map-batch" => Dataset.Range(10).Map(x => x * 2).Batch(3),
        "shuffle" => Dataset.Range(10).Shuffle(4, seed: 2),
        "prefetch" => Dataset.Range(10).Prefetch(3),
        "parallel-map" => Dataset.Range(10).Map(x => x + 1, numParallelCalls: 3),
        "window" => Dataset.Range(10).Window(3, shift: 2).FlatMap(w => w.Batch(3)),
        "cache" => Dataset.Range(10).Cache(),
        "zip" => Dataset.Range(10).Zip(Dataset.Range(20)).Map(p => p.Item1 + p.Item2),
        "padded" => Dataset.Range(1, 6).Map(n => Tf.Range((int)n.Item<long>())).PaddedBatch(2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void AnExhaustedIterator_StaysExhausted_AndTheNextIterationStartsOver(string name)
    {
        Dataset<Tensor> ds = Pipeline(name);
        float[][] first = [.. ds.Select(t => Tf.Cast(t, DType.Float32).ToArray<float>())];
        Assert.NotEmpty(first);
        using (IEnumerator<Tensor> e = ds.GetEnumerator())
        {
            int n = 0;
            while (e.MoveNext())
            {
                n++;
            }

            Assert.Equal(first.Length, n);
            Assert.False(e.MoveNext());   // asking again after the end neither throws nor restarts
            Assert.False(e.MoveNext());
        }

        if (name != "shuffle")
        {
            Assert.Equal(first, ds.Select(t => Tf.Cast(t, DType.Float32).ToArray<float>()));
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void TwoIterationsAtOnce_DoNotShareState()
    {
        Dataset<Tensor> ds = Dataset.Range(40).Map(x => x * 1, numParallelCalls: 2).Shuffle(8, seed: 3).Prefetch(2);
        using IEnumerator<Tensor> a = ds.GetEnumerator();
        using IEnumerator<Tensor> b = ds.GetEnumerator();
        var fromA = new List<long>();
        var fromB = new List<long>();
        // Interleave unevenly: two from a, one from b.
        while (true)
        {
            bool moved = false;
            for (int i = 0; i < 2 && a.MoveNext(); i++, moved = true)
            {
                fromA.Add(a.Current.Item<long>());
            }

            if (b.MoveNext())
            {
                fromB.Add(b.Current.Item<long>());
                moved = true;
            }

            if (!moved)
            {
                break;
            }
        }

        long[] all = [.. Enumerable.Range(0, 40).Select(i => (long)i)];
        Assert.Equal(all, fromA.Order());   // each iteration is a whole permutation of its own
        Assert.Equal(all, fromB.Order());
        Assert.NotEqual(fromA, fromB);      // and draws its own order (reshuffle each iteration)
    }

    [Fact]
    public void Cardinality_FollowsTensorFlowsRules()
    {
        Dataset<Tensor> ten = Dataset.Range(10);
        Dataset<Tensor> endless = ten.Repeat();
        Dataset<Tensor> unknown = ten.Filter(_ => true);
        Assert.Equal(4, ten.Batch(3).Cardinality());
        Assert.Equal(3, ten.Batch(3, dropRemainder: true).Cardinality());
        Assert.Equal(10, ten.Shuffle(4, seed: 1).Prefetch(2).Map(x => x, numParallelCalls: 2).Cache().Cardinality());
        Assert.Equal(10, ten.Zip(endless).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, endless.Zip(endless).Cardinality());
        Assert.Equal(Dataset.UnknownCardinality, ten.Zip(unknown).Cardinality());
        Assert.Equal(Dataset.UnknownCardinality, ten.Concatenate(unknown).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, unknown.Concatenate(endless).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, endless.Filter(_ => true).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, endless.Batch(4, dropRemainder: true).Cardinality());
        Assert.Equal(0, ten.Skip(12).Cardinality());
        Assert.Equal(0, ten.Take(0).Repeat().Cardinality());
        Assert.Equal(ten.Batch(3).Count(), ten.Batch(3).Cardinality());
        Assert.Equal(ten.Window(4, shift: 3).Count(), ten.Window(4, shift: 3).Cardinality());
    }

    [Fact]
    public void ATrainingPipelineOnAnEndlessSource_HoldsOnlyItsBuffers()
    {
        int pulled = 0;
        IEnumerable<Tensor> Endless()
        {
            for (long i = 0; ; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return Tf.Constant(i);
            }
        }

        const int ShuffleBuffer = 16, Degree = 3, BatchSize = 4, PrefetchBatches = 2;
        Dataset<Tensor> ds = Dataset.FromGenerator(Endless).Map(x => x * 2, numParallelCalls: Degree)
            .Shuffle(ShuffleBuffer, seed: 1).Batch(BatchSize).Prefetch(PrefetchBatches);
        using (IEnumerator<Tensor> e = ds.GetEnumerator())
        {
            for (int step = 1; step <= 5; step++)
            {
                Assert.True(e.MoveNext());
                Thread.Sleep(50);   // time for every background stage to fill up
                // Consumed, plus the batches queued and one being filled, the shuffle buffer, and the map's calls ahead.
                int bound = (step * BatchSize) + ((PrefetchBatches + 1) * BatchSize) + ShuffleBuffer + Degree + 1;
                Assert.InRange(Volatile.Read(ref pulled), step * BatchSize, bound);
            }
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void TakeAndZip_StopReadingTheirInputsAtTheEnd()
    {
        int pulled = 0;
        IEnumerable<long> Counted()
        {
            for (long i = 0; i < 100; i++)
            {
                pulled++;
                yield return i;
            }
        }

        Assert.Equal(5, Dataset.FromGenerator(Counted).Take(5).Count());
        Assert.Equal(5, pulled);   // Take does not read the sixth element
        pulled = 0;
        Assert.Equal(3, Dataset.Zip(Dataset.FromGenerator(Counted), Dataset.Range(3)).Count());
        Assert.InRange(pulled, 3, 4);   // Zip reads at most one element past the shorter input
    }
}
