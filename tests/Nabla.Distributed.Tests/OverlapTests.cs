using Nabla.Distributed.Collectives;

namespace Nabla.Distributed.Tests;

/// <summary>
/// The overlapped gradient exchange without MPI (two workers holding the same values, so a mean is the value): fed by
/// a real tape's <c>gradientReady</c> callback, full buckets leave from a background thread during the backward pass,
/// and the means equal the exchange after the pass, bit for bit.
/// </summary>
public class OverlapTests
{
    // Three dense layers, float32 and float64 weights, with a marked identity between layers 1 and 2 whose gradient
    // runs after layers 2 and 3 have their final gradients and before layer 1 has its own.
    private static (Variable[] Weights, Func<Action, Tensor> Loss) Network(int seed)
    {
        var random = new Random(seed);
        Variable Weight(int rows, int columns, DType dtype) => new(Tf.Cast(Tf.Constant(
            Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), new Shape(rows, columns)), dtype));
        Variable[] w = [Weight(6, 40, DType.Float32), Weight(1, 40, DType.Float32), Weight(40, 30, DType.Float32), Weight(30, 4, DType.Float64),
            Weight(1, 4, DType.Float64)];
        Tensor x = Tf.Constant(Enumerable.Range(0, 5 * 6).Select(_ => (float)random.NextDouble()).ToArray(), new Shape(5, 6));
        Tensor Loss(Action atLayerOne)
        {
            Func<Tensor, Tensor> marked = Tf.CustomGradient(h => (Tf.Identity(h), dy =>
            {
                atLayerOne();
                return dy;
            }));
            Tensor h1 = marked(Tf.Nn.Relu(Tf.MatMul(x, w[0]) + w[1]));
            Tensor h2 = Tf.Cast(Tf.Tanh(Tf.MatMul(h1, w[2])), DType.Float64);
            return Tf.ReduceSum(Tf.Square(Tf.MatMul(h2, w[3]) + w[4]));
        }

        return (w, Loss);
    }

    [Fact]
    public void OverlappedGradients_DuringTheBackwardPass_SendFullBucketsFromAnotherThreadAndAverageBitwiseAsAfterIt()
    {
        var workers = new TwoIdenticalWorkers();
        var options = new CommunicationOptions { BytesPerPack = 512 };
        var overlapped = new OverlappedGradients(workers, options);
        (Variable[] w, Func<Action, Tensor> loss) = Network(1);
        int sentAtLayerOne = -1;
        Tensor?[] local;
        Tensor?[] means;
        using (var tape = new GradientTape())
        {
            Tensor value = loss(() => sentAtLayerOne = overlapped.SentBuckets);
            GradientReadyCallback ready = overlapped.Begin(w.Length, "test");
            local = tape.Gradient([value], w, gradientReady: ready);
            means = overlapped.Finish();
        }

        // Layer 3's bias (32 float64 bytes) and kernel (960), then layer 2's kernel (4,800 float32 bytes), each a bucket
        // of its own at 512 bytes per pack, went before the backward pass reached layer 1.
        Assert.True(sentAtLayerOne == 3, $"{sentAtLayerOne} buckets sent when the backward pass reached layer 1");
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, workers.Threads);
        Assert.Equal(workers.Calls, workers.Checks);   // one agreement check per bucket

        Tensor[] after = new FusedAllReduce(new TwoIdenticalWorkers(), options).Run([.. local!], mean: true, compress: false, Purpose.Gradients, "test");
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(w[i].DType, means[i]!.DType);
            Assert.Equal(w[i].Shape, means[i]!.Shape);
            Assert.Equal(Tf.Cast(after[i], DType.Float64).ToArray<double>(), Tf.Cast(means[i]!, DType.Float64).ToArray<double>());
            Assert.Equal(Tf.Cast(local[i]!, DType.Float64).ToArray<double>(), Tf.Cast(means[i]!, DType.Float64).ToArray<double>());
        }
    }

    [Fact]
    public void OverlappedGradients_LargeGradientAloneInItsBucket_IsSummedInItsResultsStorageBitwiseAsAfterThePass()
    {
        // 1 MiB of float32 (larger than a pack: alone) and 64 KiB of float64 (the last of its dtype: alone), next to
        // two small float32 gradients packed together. The lone ones are copied once, into their results; packing them
        // would allocate a bucket buffer of their size besides (this exchange is the first, so no buffer is kept yet).
        var random = new Random(21);
        Tensor Gradient(int size, DType dtype) =>
            Tf.Cast(Tf.Constant(Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()), dtype);
        Tensor[] gradients = [Gradient(1 << 18, DType.Float32), Gradient(3, DType.Float32), Gradient(1 << 13, DType.Float64),
            Gradient(5, DType.Float32)];
        var workers = new TwoIdenticalWorkers();
        var options = new CommunicationOptions { BytesPerPack = 64 << 10 };
        var overlapped = new OverlappedGradients(workers, options);

        // This thread's allocations (results unpacked from a bucket are made here), and the background thread's, which
        // this exchange started: all it allocated by its last all-reduce (a result made alone, or a packing buffer, is
        // allocated before its sum).
        long before = GC.GetAllocatedBytesForCurrentThread();
        GradientReadyCallback ready = overlapped.Begin(gradients.Length, "test");
        for (int i = 0; i < gradients.Length; i++)
        {
            ready(i, gradients[i]);
        }

        Tensor?[] means = overlapped.Finish();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before + workers.AllocatedByLastCaller;

        Assert.DoesNotContain(Environment.CurrentManagedThreadId, workers.Threads);
        long lone = (1 << 20) + (64 << 10);
        Assert.InRange(allocated, lone, lone + (64 << 10));
        Assert.Equal(3, workers.Calls);   // the float32 giant, the two small float32 packed, the float64
        Tensor[] after = new FusedAllReduce(new TwoIdenticalWorkers(), options).Run(gradients, mean: true, compress: false, Purpose.Gradients, "test");
        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.Equal(gradients[i].Shape, means[i]!.Shape);
            Assert.Equal(gradients[i].DType, means[i]!.DType);
            Assert.Equal(Tf.Cast(after[i], DType.Float64).ToArray<double>(), Tf.Cast(means[i]!, DType.Float64).ToArray<double>());
            Assert.Equal(Tf.Cast(gradients[i], DType.Float64).ToArray<double>(), Tf.Cast(means[i]!, DType.Float64).ToArray<double>());
        }
    }

    [Fact]
    public void OverlappedGradients_NullGradient_StaysNullAndOthersAreAveraged()
    {
        var overlapped = new OverlappedGradients(new TwoIdenticalWorkers(), new CommunicationOptions());
        GradientReadyCallback ready = overlapped.Begin(3, "test");
        ready(2, Tf.Constant(new float[] { 1, 2 }));
        ready(0, null);
        ready(1, Tf.Constant(new double[] { 3 }));
        Tensor?[] means = overlapped.Finish();

        Assert.Null(means[0]);
        Assert.Equal([3.0], means[1]!.ToArray<double>());
        Assert.Equal([1f, 2f], means[2]!.ToArray<float>());
        Assert.False(overlapped.Pending);
    }

    [Fact]
    public void OverlappedGradients_ABucketsCollectiveThrows_FinishThrowsItAndTheNextExchangeRuns()
    {
        var workers = new TwoIdenticalWorkers { FailNext = new CollectiveMismatchException("injected") };
        var overlapped = new OverlappedGradients(workers, new CommunicationOptions { BytesPerPack = 8 });
        GradientReadyCallback ready = overlapped.Begin(2, "test");
        ready(0, Tf.Constant(new float[] { 1, 2 }));
        ready(1, Tf.Constant(new float[] { 3, 4 }));
        Assert.Equal("injected", Assert.Throws<CollectiveMismatchException>(() => overlapped.Finish()).Message);

        ready = overlapped.Begin(1, "test");
        ready(0, Tf.Constant(new float[] { 5 }));
        Assert.Equal([5f], overlapped.Finish()[0]!.ToArray<float>());
    }

    [Fact]
    public void OverlappedGradients_Compressed_RoundTheSameAsTheExchangeAfterThePass()
    {
        var options = new CommunicationOptions { BytesPerPack = 16, Compression = GradientCompression.Float16 };
        var overlapped = new OverlappedGradients(new TwoIdenticalWorkers(), options);
        Tensor[] gradients = [Tf.Constant(new float[] { 0.1f, -3.3f, 1234.5f }), Tf.Constant(new float[] { 1e-3f, 7 })];
        GradientReadyCallback ready = overlapped.Begin(2, "test");
        ready(1, gradients[1]);
        ready(0, gradients[0]);
        Tensor?[] means = overlapped.Finish();
        Tensor[] after = new FusedAllReduce(new TwoIdenticalWorkers(), options).Run(gradients, mean: true, compress: true, Purpose.Gradients, "test");

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(after[i].ToArray<float>(), means[i]!.ToArray<float>());
        }

        Assert.NotEqual(gradients[0].ToArray<float>(), means[0]!.ToArray<float>());
    }
}
