using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Distributed.Tests;

/// <summary>
/// A plain <c>dotnet</c> run (no MPI launcher, as under <c>dotnet test</c>) is one worker: no MPI is loaded, every
/// collective is the identity, and training under the strategy is bitwise the training without it.
/// </summary>
public class SingleWorkerTests
{
    [Fact]
    public void Strategy_WithoutLauncher_IsOneChiefWorker()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Assert.Equal(1, strategy.NumReplicasInSync);
        Assert.Equal(0, strategy.WorkerIndex);
        Assert.True(strategy.IsChief);
    }

    [Fact]
    public void Collectives_OneWorker_ReturnTheirInput()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Tensor x = Tf.Constant(new float[] { 1.5f, -2 });
        Assert.Equal([1.5f, -2], strategy.AllReduce(x).ToArray<float>());
        Assert.Equal([1.5f, -2], strategy.AllReduce(x, ReduceOp.Mean).ToArray<float>());
        Assert.Equal([1.5f, -2], strategy.Broadcast(x).ToArray<float>());
        Assert.Equal([1.5f, -2], strategy.AllGather(x).ToArray<float>());
        Assert.Equal([-0.25f], strategy.Reduce(ReduceOp.Mean, x, axis: 0).ToArray<float>());
        Assert.Equal([-0.5f], strategy.Reduce(ReduceOp.Sum, x, axis: -1).ToArray<float>());
        strategy.Barrier();
    }

    [Fact]
    public void Collectives_BadArguments_ThrowNamingThem()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Assert.Throws<ArgumentOutOfRangeException>(() => strategy.Broadcast(Tf.Constant(1f), root: 1));
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => strategy.AllGather(Tf.Constant(1f))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => strategy.AllGather(Tf.Constant(new float[] { 1 }), axis: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => strategy.Reduce(ReduceOp.Sum, Tf.Constant(new float[] { 1 }), axis: 2));
        Assert.Contains("ReduceOp.Mean needs floating-point",
            Assert.Throws<ArgumentException>(() => strategy.AllReduce(Tf.Constant(new[] { 1 }), ReduceOp.Mean)).Message, StringComparison.Ordinal);
        Assert.Contains("bool", Assert.Throws<ArgumentException>(() => strategy.AllReduce(Tf.Constant(new[] { true }))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllReduce_InsideATracedFunction_ThrowsSayingCollectivesRunEagerly()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        var f = Tf.Function((Tensor x) => strategy.AllReduce(x * 2));
        Assert.Contains("collectives run eagerly",
            Assert.Throws<InvalidOperationException>(() => f.Invoke(Tf.Constant(new float[] { 1 }))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BroadcastAndAllGather_InsideATracedFunction_ThrowNamingTheCollective()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        var broadcast = Tf.Function((Tensor x) => strategy.Broadcast(x + 1));
        var gather = Tf.Function((Tensor x) => strategy.AllGather(x + 1));
        Tensor input = Tf.Constant(new float[] { 1, 2 });
        string broadcastText = Assert.Throws<InvalidOperationException>(() => broadcast.Invoke(input)).Message;
        string gatherText = Assert.Throws<InvalidOperationException>(() => gather.Invoke(input)).Message;
        Assert.StartsWith("Broadcast:", broadcastText, StringComparison.Ordinal);
        Assert.StartsWith("AllGather:", gatherText, StringComparison.Ordinal);
        Assert.Contains("collectives run eagerly", gatherText, StringComparison.Ordinal);

        // Eagerly, one worker's collectives give the value back.
        Assert.Equal([2f, 3f], strategy.AllGather(input + 1).ToArray<float>());
    }

    [Fact]
    public void Constructor_NonPositiveOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MultiWorkerMirroredStrategy(new CommunicationOptions { BytesPerPack = 0 }));
        Assert.Throws<ArgumentException>(() => new MultiWorkerMirroredStrategy(new CommunicationOptions { Timeout = TimeSpan.Zero }));
    }

    [Fact]
    public void Disposed_Strategy_Throws()
    {
        var strategy = new MultiWorkerMirroredStrategy();
        strategy.Dispose();
        Assert.Throws<ObjectDisposedException>(() => strategy.AllReduce(Tf.Constant(1f)));
        Assert.Throws<ObjectDisposedException>(() => strategy.Scope());
    }

    [Fact]
    public void Scope_ModelCreatedInside_KeepsTheStrategy()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Sequential inside;
        using (strategy.Scope())
        {
            inside = new Sequential(new Dense(2, inputShape: [3]));
        }

        Assert.Same(strategy, inside.DistributeStrategy);
        Assert.Null(new Sequential(new Dense(2, inputShape: [3])).DistributeStrategy);
        Assert.Equal(7, strategy.Run(() => 7));
    }

    [Fact]
    public void DistributedGradientTape_OneWorker_EqualsThePlainTape()
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        var w = new Variable(Tf.Constant(new float[] { 2, -3 }));
        Tensor?[] distributed;
        using (var tape = new DistributedGradientTape(strategy))
        {
            distributed = tape.Gradient(Tf.ReduceSum(w * w * w), w, new Variable(1f));
        }

        Assert.Equal([12f, 27f], distributed[0]!.ToArray<float>());
        Assert.Null(distributed[1]);
    }

    [Fact]
    public void Fit_UnderOneWorkerStrategy_IsBitwiseTheFitWithout()
    {
        (Tensor x, Tensor y) = Data(64);
        using var strategy = new MultiWorkerMirroredStrategy();
        Tf.Random.SetSeed(3);
        Sequential plain = Model();
        Tf.Random.SetSeed(3);
        Sequential distributed;
        using (strategy.Scope())
        {
            distributed = Model();
        }

        History a = plain.Fit(x, y, epochs: 2, batchSize: 16, seed: 5, verbose: 0);
        History b = distributed.Fit(x, y, epochs: 2, batchSize: 16, seed: 5, verbose: 0);
        Assert.Equal(a.Loss, b.Loss);
        for (int i = 0; i < plain.Variables.Count; i++)
        {
            Assert.Equal(plain.Variables[i].ToArray<float>(), distributed.Variables[i].ToArray<float>());
        }

        Assert.Equal(plain.Predict(x).ToArray<float>(), distributed.Predict(x).ToArray<float>());
        Assert.Equal(plain.Evaluate(x, y), distributed.Evaluate(x, y));
    }

    private static Sequential Model()
    {
        var model = new Sequential(new Dense(8, "relu", inputShape: [4]), new Dense(2));
        model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        var random = new Random(11);
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int f = 0; f < 4; f++)
            {
                x[(i * 4) + f] = (float)random.NextDouble();
            }

            y[i] = x[i * 4] > x[(i * 4) + 1] ? 1 : 0;
        }

        return (Tf.Constant(x, new Shape(n, 4)), Tf.Constant(y, new Shape(n)));
    }
}
