using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Tests that change the partitioner's global settings run alone.</summary>
[CollectionDefinition("ParallelFor settings", DisableParallelization = true)]
public class ParallelForSettingsDefinition
{
}

/// <summary><see cref="ParallelFor"/> bounds, and parallel kernels against the serial path.</summary>
[Collection("ParallelFor settings")]
public class ParallelForTests
{
    private static readonly int[] s_lengths = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2047, 2048, 2049, 4097, 10_000];

    [Fact]
    public void ChunkStart_AnyLengthAndCount_MonotoneAlignedAndCovering()
    {
        foreach (int length in s_lengths)
        {
            for (int chunks = 1; chunks <= 9; chunks++)
            {
                Assert.Equal(0, ParallelFor.ChunkStart(length, chunks, 0));
                Assert.Equal(length, ParallelFor.ChunkStart(length, chunks, chunks));
                for (int i = 1; i < chunks; i++)
                {
                    int start = ParallelFor.ChunkStart(length, chunks, i);
                    Assert.Equal(0, start % 64);
                    Assert.True(start >= ParallelFor.ChunkStart(length, chunks, i - 1));
                    Assert.True(start <= length);
                }
            }
        }
    }

    [Fact]
    public void ChunkCount_AroundThreshold_InlineBelowSplitAbove()
    {
        WithSettings(4, 1024, () =>
        {
            Assert.Equal(1, ParallelFor.ChunkCount(0));
            Assert.Equal(1, ParallelFor.ChunkCount(1023));
            Assert.Equal(2, ParallelFor.ChunkCount(1024));
            Assert.Equal(4, ParallelFor.ChunkCount(1 << 20));
        });
        WithSettings(1, 1024, () => Assert.Equal(1, ParallelFor.ChunkCount(1 << 20)));
    }

    [Fact]
    public void Run_LengthsAroundThreshold_EveryIndexExactlyOnce()
    {
        WithSettings(4, 1024, () =>
        {
            foreach (int length in s_lengths)
            {
                int[] hits = new int[length];
                ParallelFor.Run(length, new CountBody(hits));
                Assert.All(hits, h => Assert.Equal(1, h));

                int[] items = new int[length];
                ParallelFor.RunItems(length, 7, new CountBody(items));
                Assert.All(items, h => Assert.Equal(1, h));
            }
        });
    }

    [Fact]
    public void Elementwise_ParallelAndSerial_BitwiseEqual()
    {
        float[] a = Values(5000, 1);
        float[] b = Values(5000, 2);
        float[] row = Values(100, 3);
        float[] column = Values(50, 4);
        Tensor x = Tf.Constant(a, new Shape(50, 100));
        Tensor y = Tf.Constant(b, new Shape(50, 100));
        Func<Tensor>[] cases =
        [
            () => Tf.Add(x, y),
            () => Tf.Multiply(x, 3f),
            () => Tf.Subtract(2f, x),
            () => Tf.Exp(x),
            () => Tf.Cast(x, DType.Float64),
            () => Tf.Cast(x, DType.Float16),
            () => Tf.Exp(Tf.Cast(x, DType.BFloat16)),
            () => Tf.Add(x, Tf.Constant(row, new Shape(100))),                 // bias row
            () => Tf.Multiply(Tf.Constant(column, new Shape(50, 1)), x),        // keepdims column
            () => Tf.Add(Tf.Reshape(x, [5, 10, 100]), Tf.Constant(Values(500, 5), new Shape(5, 1, 100))), // planned walk
            () => Tf.Greater(x, y),
            () => Tf.ReduceSum(x),
            () => Tf.ReduceSum(x, 0),
            () => Tf.ReduceMax(x, 1),
            () => Tf.ReduceSum(Tf.Reshape(x, [2, 25, 100]), 1),
        ];

        foreach (Func<Tensor> make in cases)
        {
            double[] serial = [];
            double[] parallel = [];
            WithSettings(1, 1 << 20, () => serial = ToDoubles(make()));
            WithSettings(4, 64, () => parallel = ToDoubles(make()));
            Assert.Equal(serial, parallel);
        }
    }

    [Fact]
    public void ReduceSum_LargeRun_DeterministicAcrossDegreesAndCloseToReference()
    {
        float[] a = Values(300_001, 7);
        double reference = a.Sum(v => (double)v);
        Tensor x = Tf.Constant(a, new Shape(a.Length));
        float? first = null;
        foreach (int degree in new[] { 1, 2, 3, 4, 8 })
        {
            float sum = 0;
            WithSettings(degree, 1024, () => sum = Tf.ReduceSum(x).Item<float>());
            first ??= sum;
            Assert.Equal(first.Value, sum);
        }

        Assert.Equal(reference, first!.Value, 1e-5 * a.Length);
    }

    [Fact]
    public void BroadcastBiasRow_LargeRows_MatchesReference()
    {
        float[] a = Values(3 * 70_000, 8);
        float[] row = Values(70_000, 9);
        float[] got = [];
        WithSettings(4, 1024, () => got = Tf.Add(Tf.Constant(a, new Shape(3, 70_000)), Tf.Constant(row, new Shape(70_000))).ToArray<float>());
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i] + row[i % 70_000], got[i]);
        }
    }

    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 4) - 2))];
    }

    private static double[] ToDoubles(Tensor t) => Tf.Cast(t, DType.Float64).ToArray<double>();

    private static void WithSettings(int degree, int threshold, Action action)
    {
        int oldDegree = ParallelFor.MaxDegreeOfParallelism;
        int oldThreshold = ParallelFor.Threshold;
        try
        {
            ParallelFor.MaxDegreeOfParallelism = degree;
            ParallelFor.Threshold = threshold;
            action();
        }
        finally
        {
            ParallelFor.MaxDegreeOfParallelism = oldDegree;
            ParallelFor.Threshold = oldThreshold;
        }
    }

    [Fact]
    public void Run_BodyThrowsInAChunk_ExceptionReachesCallerAndTeamStaysUsable()
    {
        WithSettings(2, 1024, () =>
        {
            // The last chunk runs on a team worker (member 1 of 2); its exception must come back to the caller.
            var exception = Assert.Throws<InvalidOperationException>(() => ParallelFor.Run(4096, new ThrowingBody(3000)));
            Assert.Contains("3000", exception.Message, StringComparison.Ordinal);

            int[] hits = new int[4096];
            ParallelFor.Run(hits.Length, new CountBody(hits));
            Assert.All(hits, h => Assert.Equal(1, h));
        });
    }

    [Fact]
    public void Run_BodyThrowsOnTheThreadPoolFallback_CallerGetsTheBodysExceptionNotAnAggregate()
    {
        WithSettings(2, 1024, () =>
        {
            // A body that splits work again finds the team busy (it is running the outer call), so the inner call
            // runs on Parallel.For; its chunk's exception must arrive as itself, as on the team path.
            for (int round = 0; round < 10; round++)
            {
                var exception = Assert.Throws<InvalidOperationException>(() => ParallelFor.Run(4096, new NestedThrowingBody()));
                Assert.Contains("3000", exception.Message, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void Run_ConcurrentCallers_EachCoversItsRangeExactlyOnce()
    {
        // One caller gets the persistent team, the others find it busy and use the thread pool.
        WithSettings(2, 1024, () =>
        {
            int[][] hits = new int[6][];
            Parallel.For(0, hits.Length, caller =>
            {
                for (int round = 0; round < 20; round++)
                {
                    int[] counts = new int[5000 + caller];
                    ParallelFor.Run(counts.Length, new CountBody(counts));
                    Assert.All(counts, h => Assert.Equal(1, h));
                    hits[caller] = counts;
                }
            });
            Assert.All(hits, Assert.NotNull);
        });
    }

    private readonly struct ThrowingBody(int at) : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            if (start <= at && at < end)
            {
                throw new InvalidOperationException($"chunk containing {at}");
            }
        }
    }

    private readonly struct NestedThrowingBody : IRangeBody
    {
        public void Invoke(int start, int end) => ParallelFor.Run(4096, new ThrowingBody(3000));
    }

    private readonly struct CountBody(int[] hits) : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                hits[i]++;
            }
        }
    }
}
