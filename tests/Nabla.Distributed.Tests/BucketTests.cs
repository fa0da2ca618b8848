using Nabla.Distributed.Collectives;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Tests;

/// <summary>The fused all-reduce's packing, the sharding arithmetic and the 16-bit sum operations, without MPI.</summary>
public class BucketTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(4 << 20)]
    public void FusedAllReduce_MixedDtypesAcrossBuckets_SumsEveryTensorInPlace(int bytesPerPack)
    {
        // Two workers holding the same values: every sum is twice the value, every mean the value.
        var twice = new TwoIdenticalWorkers();
        var fused = new FusedAllReduce(twice, new CommunicationOptions { BytesPerPack = bytesPerPack });
        Tensor[] tensors = [Tf.Constant(new float[] { 1, 2, 3 }), Tf.Fill([40], 0.5, DType.Float32), Tf.Constant(new double[] { -1, 4 }),
            Tf.Constant(new[] { 7, 8 }), Tf.Constant(new long[] { 1L << 40 }), Tf.Cast(Tf.Constant(new float[] { 1.5f }), DType.Float16),
            Tf.Cast(Tf.Constant(new float[] { 2.5f }), DType.BFloat16), Tf.Constant(new float[,] { { 1, -1 }, { 0.25f, 8 } })];
        Tensor[] sums = fused.Run(tensors, mean: false, compress: false, Purpose.User, "test");
        Tensor[] means = fused.Run(tensors.Where(t => t.DType.IsFloating).ToArray(), mean: true, compress: false, Purpose.User, "test");
        for (int i = 0; i < tensors.Length; i++)
        {
            Assert.Equal(tensors[i].Shape, sums[i].Shape);
            Assert.Equal(tensors[i].DType, sums[i].DType);
            Assert.Equal(Values(tensors[i]).Select(v => 2 * v), Values(sums[i]));
        }

        Tensor[] floating = tensors.Where(t => t.DType.IsFloating).ToArray();
        for (int i = 0; i < floating.Length; i++)
        {
            Assert.Equal(Values(floating[i]), Values(means[i]));
        }

        Assert.Equal(2, twice.Checks);   // one agreement check per call, whatever the number of buckets
        Assert.True(bytesPerPack == 64 ? twice.Calls > 10 : twice.Calls == 10, $"{twice.Calls} all-reduce calls");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedAllReduce_TensorAloneInItsBucket_IsSummedInItsResultsStorage(bool mean)
    {
        // 1 MiB of float32 and of float64, each alone in its bucket: copied into the result tensor's own storage and
        // summed there, so the first call allocates the results and no bucket (the packed path would allocate a bucket
        // of each size besides).
        var twice = new TwoIdenticalWorkers();
        var fused = new FusedAllReduce(twice, new CommunicationOptions());
        var random = new Random(14);
        float[] singles = Enumerable.Range(0, 1 << 18).Select(_ => (float)random.NextDouble()).ToArray();
        double[] doubles = Enumerable.Range(0, 1 << 17).Select(_ => random.NextDouble()).ToArray();
        Tensor[] tensors = [Tf.Constant(singles, new Shape(512, 512)), Tf.Constant(doubles)];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Tensor[] result = fused.Run(tensors, mean, compress: false, Purpose.User, "test");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 2 << 20, (2 << 20) + 16_384);
        Assert.Equal(new Shape(512, 512), result[0].Shape);
        Assert.Equal(singles.Select(v => mean ? v : 2 * v), result[0].ToArray<float>());
        Assert.Equal(doubles.Select(v => mean ? v : 2 * v), result[1].ToArray<double>());
        Assert.Equal(2, twice.Calls);
        Assert.Equal(1, twice.Checks);
    }

    [Theory]
    [InlineData(GradientCompression.Float16, 1e-3)]
    [InlineData(GradientCompression.BFloat16, 1e-2)]
    public void FusedAllReduce_Compressed_RoundsFloat32ThroughSixteenBits(GradientCompression compression, double tolerance)
    {
        var twice = new TwoIdenticalWorkers();
        var fused = new FusedAllReduce(twice, new CommunicationOptions { Compression = compression });
        float[] values = [0.1f, -3.3f, 1234.5f, 1e-3f];
        Tensor[] mean = fused.Run([Tf.Constant(values)], mean: true, compress: true, Purpose.Gradients, "test");
        float[] result = mean[0].ToArray<float>();
        Assert.Equal(DType.Float32, mean[0].DType);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.InRange(Math.Abs(result[i] - values[i]), 0, tolerance * Math.Abs(values[i]));
        }

        Assert.NotEqual(values, result);
        Assert.Equal(compression == GradientCompression.Float16 ? typeof(Half) : typeof(BFloat16), twice.LastType);
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(2, 3)]
    [InlineData(64, 2)]
    [InlineData(0, 4)]
    public void ShardRange_Evaluation_CoversEveryRowOnceInOrder(int rows, int workers)
    {
        int next = 0;
        for (int w = 0; w < workers; w++)
        {
            (int start, int count) = MultiWorkerMirroredStrategy.ShardRange(rows, workers, w, training: false);
            Assert.Equal(next, start);
            Assert.InRange(count, rows / workers, (rows / workers) + 1);
            next += count;
        }

        Assert.Equal(rows, next);
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(64, 2)]
    [InlineData(2, 3)]
    public void ShardRange_Training_GivesEqualDisjointShards(int rows, int workers)
    {
        for (int w = 0; w < workers; w++)
        {
            (int start, int count) = MultiWorkerMirroredStrategy.ShardRange(rows, workers, w, training: true);
            Assert.Equal(rows / workers, count);
            Assert.Equal(w * (rows / workers), start);
        }
    }

    [Fact]
    public void ReducedPrecisionSum_Float16AndBFloat16_AddInFloat32AndRoundToNearest()
    {
        var random = new Random(5);
        int n = 1000;
        float[] a = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() - 0.5) * 100)).ToArray();
        float[] b = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() - 0.5) * 100)).ToArray();
        Half[] ha = a.Select(v => (Half)v).ToArray();
        Half[] hb = b.Select(v => (Half)v).ToArray();
        ReducedPrecisionSum.Apply<Half>(ha, hb);
        BFloat16[] ba = a.Select(BFloat16.FromSingle).ToArray();
        BFloat16[] bb = b.Select(BFloat16.FromSingle).ToArray();
        ReducedPrecisionSum.Apply<BFloat16>(ba, bb);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal((Half)((float)(Half)a[i] + (float)(Half)b[i]), hb[i]);
            Assert.Equal(BFloat16.FromSingle(BFloat16.FromSingle(a[i]).ToSingle() + BFloat16.FromSingle(b[i]).ToSingle()).RawValue, bb[i].RawValue);
        }
    }

    private static double[] Values(Tensor t) => Tf.Cast(t, DType.Float64).ToArray<double>();
}
