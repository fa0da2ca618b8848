using System.Runtime.CompilerServices;
using Nabla.Data;
using static Nabla.Tests.Data.DatasetSourceTests;

namespace Nabla.Tests.Data;

[CollectionDefinition("Dataset threads", DisableParallelization = true)]
public class DatasetThreadsCollectionDefinition
{
}

/// <summary>Prefetch and parallel Map: order, overlap, bounds, faults and the end of their threads.</summary>
[Collection("Dataset threads")]
public class BackgroundPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void Prefetch_KeepsTheElementsAndTheirOrder()
    {
        Dataset<Tensor> ds = Dataset.Range(100).Map(x => x * 2).Prefetch(3);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => 2L * i), Longs(ds));
        Assert.Equal(100, ds.Cardinality());
        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void Prefetch_PreparesTheNextElementWhileTheConsumerWorks()
    {
        using var secondRequested = new ManualResetEventSlim();
        IEnumerable<int> Source()
        {
            yield return 0;
            secondRequested.Set();   // reached only when someone asks for a second element
            yield return 1;
        }

        foreach (int first in Dataset.FromGenerator(Source).Prefetch(1))
        {
            // The consumer holds element 0 and has not asked for more: only a background producer can be reading on.
            Assert.True(secondRequested.Wait(Patience), "the prefetch thread never asked for the next element");
            break;
        }

        using IEnumerator<int> plain = Dataset.FromGenerator(Source).GetEnumerator();
        secondRequested.Reset();
        Assert.True(plain.MoveNext());
        Assert.False(secondRequested.Wait(TimeSpan.FromMilliseconds(100)));   // without Prefetch nothing reads ahead
    }

    [Fact]
    public void Prefetch_ReadsAtMostItsBufferAhead()
    {
        int pulled = 0;
        IEnumerable<int> Endless()
        {
            for (int i = 0; ; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return i;
            }
        }

        using (IEnumerator<int> e = Dataset.FromGenerator(Endless).Prefetch(2).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            Thread.Sleep(200);
            // One taken, two queued, one more read while the producer waits for room.
            Assert.InRange(Volatile.Read(ref pulled), 1, 4);
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void Prefetch_InputFault_RaisedAfterTheElementsBeforeIt()
    {
        IEnumerable<int> Failing()
        {
            yield return 1;
            yield return 2;
            throw new InvalidDataException("corrupt record");
        }

        var seen = new List<int>();
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (int v in Dataset.FromGenerator(Failing).Prefetch(4))
            {
                seen.Add(v);
            }
        });
        Assert.Equal("corrupt record", e.Message);
        Assert.Equal([1, 2], seen);
        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void MapFaultBehindPrefetchAndBatch_SurfacesWithTheElementIndex()
    {
        Dataset<Tensor> ds = Dataset.Range(50).Map(x => x.Item<long>() == 37 ? throw new ArithmeticException("overflow") : x, numParallelCalls: 3)
            .Batch(8).Prefetch(2);
        var e = Assert.Throws<DatasetFunctionException>(() => ds.ToList());
        Assert.Equal(37, e.ElementIndex);
        Assert.IsType<ArithmeticException>(e.InnerException);
        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void BreakingOutOfForeach_JoinsEveryThread()
    {
        Dataset<Tensor> ds = Dataset.Range(1_000_000).Map(x => x + 1, numParallelCalls: 4).Prefetch(2).Batch(4).Prefetch(1);
        foreach (Tensor batch in ds)
        {
            Assert.Equal([1L, 2, 3, 4], batch.ToArray<long>());
            Assert.True(DatasetThreads.Live >= 6);   // 4 map workers and 2 prefetch threads
            break;
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void AnIteratorDroppedWithoutDispose_StopsItsThreadsWhenCollected()
    {
        StartAndDrop(Dataset.Range(long.MaxValue).Map(x => x, numParallelCalls: 2).Prefetch(2));
        var deadline = DateTime.UtcNow + Patience;
        while (DatasetThreads.Live > 0 && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(20);
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void ParallelMap_KeepsTheInputOrderWhateverTheFinishingOrder()
    {
        var delays = new Random(11);
        int[] sleep = [.. Enumerable.Range(0, 40).Select(_ => delays.Next(0, 4))];
        Dataset<Tensor> ds = Dataset.Range(40).Map(x => { Thread.Sleep(sleep[x.Item<long>()]); return x * x; }, numParallelCalls: 4);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i * i), Longs(ds));
        Assert.Equal(40, ds.Cardinality());
    }

    [Fact]
    public void ParallelMap_RunsCallsSideBySide()
    {
        using var barrier = new Barrier(2);
        bool allMet = true;
        Dataset<Tensor> ds = Dataset.Range(4).Map(x =>
        {
            allMet &= barrier.SignalAndWait(Patience);   // two calls must be inside the function at once
            return x;
        }, numParallelCalls: 2);
        Assert.Equal([0L, 1, 2, 3], Longs(ds));
        Assert.True(allMet);
    }

    [Fact]
    public void ParallelMap_StaysAtMostItsDegreeAheadOfTheConsumer()
    {
        int started = 0;
        Dataset<Tensor> ds = Dataset.Range(1000).Map(x => { Interlocked.Increment(ref started); return x; }, numParallelCalls: 3);
        int taken = 0;
        foreach (Tensor _ in ds)
        {
            taken++;
            Thread.Sleep(taken <= 3 ? 50 : 0);
            Assert.InRange(Volatile.Read(ref started), taken, taken + 3);
            if (taken == 10)
            {
                break;
            }
        }

        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void ParallelMap_InputFault_RaisedInOrder()
    {
        IEnumerable<int> Failing()
        {
            yield return 0;
            yield return 1;
            yield return 2;
            throw new IOException("disk gone");
        }

        var seen = new List<int>();
        Assert.Throws<IOException>(() =>
        {
            foreach (int v in Dataset.FromGenerator(Failing).Map(v => v * 10, numParallelCalls: 3))
            {
                seen.Add(v);
            }
        });
        Assert.Equal([0, 10, 20], seen);
        Assert.Equal(0, DatasetThreads.Live);
    }

    [Fact]
    public void PrefetchedMap_DoesNotRecordOnTheIteratingThreadsTape()
    {
        var w = new Variable(2f);
        Tensor sum = Tf.Constant(0f);
        Tensor direct;
        using (var tape = new GradientTape(persistent: true))
        {
            foreach (Tensor t in Dataset.Range(3).Map(x => Tf.Cast(x, DType.Float32) * w).Prefetch(1))
            {
                sum += t;
            }

            direct = w * 3f;
            Assert.Null(tape.Gradient(sum, w));   // the pipeline's ops ran on its own thread, outside the tape
            Assert.NotNull(tape.Gradient(direct, w));
        }

        Assert.Equal(6f, sum.Item<float>());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartAndDrop(Dataset<Tensor> ds)
    {
        IEnumerator<Tensor> e = ds.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(DatasetThreads.Live >= 3);
    }
}
