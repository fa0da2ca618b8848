using Nabla.Keras.Callbacks;
using Nabla.Keras.Distribute;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

/// <summary>
/// Keras's extension point for distribution strategies (<see cref="IDistributionStrategy"/>), with a recording fake:
/// what Fit, Evaluate, Predict, the optimizers, AddWeight and ModelCheckpoint ask of a strategy, and when.
/// </summary>
public class DistributionHookTests
{
    [Fact]
    public void AddWeight_InScope_SynchronizesEachWeightAndTheModelKeepsTheStrategy()
    {
        var strategy = new RecordingStrategy(worker: 0);
        Sequential model;
        using (Distribution.Enter(strategy))
        {
            Assert.Same(strategy, Distribution.Current);
            model = new Sequential(new Dense(3, inputShape: [2]));
        }

        Assert.Null(Distribution.Current);
        Assert.Same(strategy, model.DistributeStrategy);
        Assert.Equal(["dense", "dense"], strategy.Synchronized.Select(v => v.Name.Split('/')[0].Split('_')[0]));
    }

    [Fact]
    public void Fit_UnderStrategy_ShardsEveryBatchAggregatesGradientsAndLogs()
    {
        var strategy = new RecordingStrategy(worker: 1);
        Sequential model = Compiled(strategy);
        (Tensor x, Tensor y) = Data(40);
        using var output = new StringWriter();
        History history = model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 2, output: output);

        // 3 global batches per epoch (16, 16, 8): this fake keeps the first half of each.
        Assert.Equal((40, 16), strategy.FitSetup);
        Assert.Equal([16, 16, 16, 16, 8, 8, 16, 16, 16, 16, 8, 8], strategy.ShardedTrainingRows);
        Assert.Equal(6, strategy.GradientCalls);
        Assert.Equal(6 + 2, strategy.LogCalls);
        Assert.Equal(string.Empty, output.ToString());   // worker 1 is not the chief: no progress
        Assert.Equal(2, history.Loss.Count);
        Assert.All(history.Loss, loss => Assert.Equal(RecordingStrategy.AggregatedLoss, loss));
    }

    [Fact]
    public void Fit_StrategyWithAGradientReadyHook_IsToldEveryGradientDuringTheBackwardPassThenAggregatesThem()
    {
        var strategy = new RecordingStrategy(worker: 0) { TellsGradients = true };
        Sequential model = Compiled(strategy);
        (Tensor x, Tensor y) = Data(32);
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);

        // Once per step, before the step's aggregation, which then gets exactly the tensors the tape told.
        Assert.Equal(2, strategy.HookCalls);
        Assert.Equal(2, strategy.GradientCalls);
        Assert.Equal(2 * model.TrainableVariables.Count, strategy.ToldAndAggregated);
    }

    [Fact]
    public void ApplyGradients_InScope_AppliesTheAggregatedGradients()
    {
        var strategy = new RecordingStrategy(worker: 0) { ZeroGradients = true };
        var w = new Variable(Tf.Constant(new float[] { 1, 2 }));
        var sgd = new SGD(0.1);
        using (Distribution.Enter(strategy))
        {
            sgd.ApplyGradients([Tf.Constant(new float[] { 5, 5 })], [w]);
        }

        Assert.Equal([1f, 2f], w.ToArray<float>());
        sgd.ApplyGradients([Tf.Constant(new float[] { 5, 5 })], [w]);
        Assert.Equal([0.5f, 1.5f], w.ToArray<float>());
    }

    [Fact]
    public void EvaluateAndPredict_UnderStrategy_ShardOnceAndGather()
    {
        var strategy = new RecordingStrategy(worker: 0);
        Sequential model = Compiled(strategy);
        (Tensor x, Tensor y) = Data(10);
        Assert.Equal(RecordingStrategy.AggregatedLoss, model.Evaluate(x, y));
        Assert.Equal([10, 10], strategy.ShardedEvaluationRows);   // x and y, once each
        Tensor predicted = model.Predict(x);
        Assert.Equal(new Shape(5, 2), predicted.Shape);   // the fake's gather returns this worker's half
        Assert.Equal(1, strategy.GatherCalls);
    }

    [Fact]
    public void ModelCheckpoint_OnlyTheChiefWritesAndLeavesNoTemporaryFile()
    {
        string directory = Directory.CreateTempSubdirectory("nabla-checkpoint-").FullName;
        try
        {
            foreach (int worker in new[] { 0, 1 })
            {
                var strategy = new RecordingStrategy(worker);
                Sequential model = Compiled(strategy);
                var checkpoint = new ModelCheckpoint(Path.Combine(directory, $"w{worker}.safetensors"), monitor: "loss");
                (Tensor x, Tensor y) = Data(8);
                model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0, callbacks: [checkpoint]);
            }

            Assert.Equal(["w0.safetensors"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ModelCheckpoint_SaveThatFails_LeavesThePreviousFileWhole()
    {
        string directory = Directory.CreateTempSubdirectory("nabla-checkpoint-").FullName;
        try
        {
            string path = Path.Combine(directory, "weights.bin");
            File.WriteAllText(path, "previous");
            int calls = 0;
            var checkpoint = new ModelCheckpoint(path, monitor: "loss", save: (_, temporary) =>
            {
                File.WriteAllText(temporary, "torn");
                if (++calls == 1)
                {
                    throw new IOException("disk full");
                }
            });
            Sequential model = Compiled(null);
            checkpoint.SetModel(model);
            Assert.Throws<IOException>(() => checkpoint.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1 }));
            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Equal(["weights.bin"], Directory.GetFiles(directory).Select(Path.GetFileName));
            checkpoint.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 1 });
            Assert.Equal("torn", File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Sequential Compiled(IDistributionStrategy? strategy)
    {
        using IDisposable? scope = strategy is null ? null : Distribution.Enter(strategy);
        var model = new Sequential(new Dense(2, inputShape: [3]));
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int n) =>
        (Tf.Reshape(Tf.Cast(Tf.Range(0, n * 3), DType.Float32), [n, 3]) / (n * 3), Tf.Cast(Tf.Range(0, n), DType.Int32) % 2);

    /// <summary>A two-worker strategy without the other worker: it keeps the first half of every batch and records the calls.</summary>
    private sealed class RecordingStrategy(int worker) : IDistributionStrategy
    {
        public const double AggregatedLoss = 0.125;

        public int NumReplicasInSync => 2;

        public int WorkerIndex => worker;

        public bool ZeroGradients { get; init; }

        // With TellsGradients, the strategy gives the training step a GradientReadyHook and records what it is told.
        public bool TellsGradients { get; init; }

        public int HookCalls { get; private set; }

        public int ToldAndAggregated { get; private set; }

        private Tensor?[]? Told { get; set; }

        public List<Variable> Synchronized { get; } = [];

        public (int Samples, int BatchSize) FitSetup { get; private set; }

        public List<int> ShardedTrainingRows { get; } = [];

        public List<int> ShardedEvaluationRows { get; } = [];

        public int GradientCalls { get; private set; }

        public int LogCalls { get; private set; }

        public int GatherCalls { get; private set; }

        public void SynchronizeVariables(IReadOnlyList<Variable> variables) => Synchronized.AddRange(variables);

        public int SynchronizeFit(int samples, int batchSize, int seed)
        {
            FitSetup = (samples, batchSize);
            return seed;
        }

        public Tensor ShardBatch(Tensor batch, bool training)
        {
            (training ? ShardedTrainingRows : ShardedEvaluationRows).Add(batch.Shape[0]);
            return batch[..(batch.Shape[0] / 2)];
        }

        public Tensor GatherBatches(Tensor shard)
        {
            GatherCalls++;
            return shard;
        }

        public GradientReadyCallback? GradientReadyHook(IReadOnlyList<Variable> variables)
        {
            if (!TellsGradients)
            {
                return null;
            }

            HookCalls++;
            var told = new Tensor?[variables.Count];
            Told = told;
            return (i, g) =>
            {
                Assert.Null(told[i]);
                told[i] = g;
            };
        }

        public IReadOnlyList<Tensor?> AggregateGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
        {
            GradientCalls++;
            Assert.Equal(gradients.Count, variables.Count);
            if (Told is { } told)
            {
                Assert.Equal(told.Length, gradients.Count);
                for (int i = 0; i < told.Length; i++)
                {
                    Assert.Same(told[i], gradients[i]);
                    ToldAndAggregated++;
                }

                Told = null;
            }

            return ZeroGradients ? [.. gradients.Select(g => g is null ? null : Tf.ZerosLike(g))] : gradients;
        }

        public Dictionary<string, double> AggregateLogs(IReadOnlyDictionary<string, double> logs, double samples)
        {
            LogCalls++;
            return logs.ToDictionary(kv => kv.Key, kv => kv.Key == "loss" ? AggregatedLoss : kv.Value, StringComparer.Ordinal);
        }
    }
}
