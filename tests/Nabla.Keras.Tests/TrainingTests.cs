using Nabla.Keras.Callbacks;
using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

public class TrainingTests
{
    // 96 points in the plane, label 1 when x0 + 2·x1 > 0.2: a linearly separable binary problem.
    private static (Tensor X, Tensor Y) Blobs(int n = 96, int seed = 42)
    {
        var random = new Random(seed);
        var x = new float[n, 2];
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            x[i, 0] = (float)((random.NextDouble() * 4) - 2);
            x[i, 1] = (float)((random.NextDouble() * 4) - 2);
            y[i, 0] = x[i, 0] + (2 * x[i, 1]) > 0.2 ? 1 : 0;
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    private static Sequential Classifier(int seed = 3) =>
        new(new Dense(1, activation: "sigmoid", inputShape: [2], kernelInitializer: new GlorotUniform(seed: seed)));

    [Fact]
    public void Fit_ShuffleAndValidationSplit_ConvergesAndRecordsHistory()
    {
        (Tensor x, Tensor y) = Blobs();
        Sequential model = Classifier();
        model.Compile(new Adam(0.1), new BinaryCrossentropy(), ["accuracy"]);
        History history = model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0, validationSplit: 0.25, shuffle: true, seed: 7);
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Keys);
        Assert.Equal(15, history.Loss.Count);
        Assert.Equal(Enumerable.Range(0, 15), history.Epoch);
        Assert.True(history.Loss[^1] < history.Loss[0] * 0.5, $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}");
        Assert.True(history["val_accuracy"][^1] > 0.85, $"val_accuracy {history["val_accuracy"][^1]}");
        Assert.Same(history, model.History);
        Assert.Equal(75, model.Optimizer!.Iterations); // 72 training samples / 16 -> 5 steps x 15 epochs

        Dictionary<string, double> evaluated = model.EvaluateMetrics(x[72..], y[72..]);
        Assert.Equal(history["val_loss"][^1], evaluated["loss"], 1e-5);
        Assert.Equal(history["val_accuracy"][^1], evaluated["accuracy"], 1e-5);
    }

    [Fact]
    public void Fit_SameSeed_SameWeights_DifferentSeed_Differs()
    {
        (Tensor x, Tensor y) = Blobs(40);
        float[] Train(int seed)
        {
            Sequential model = Classifier();
            model.SetWeights([Tf.Constant(new float[,] { { 0.1f }, { -0.2f } }), Tf.Zeros([1])]);
            model.Compile(new SGD(0.5), new BinaryCrossentropy());
            model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0, seed: seed);
            return model.Variables[0].ToArray<float>();
        }

        Assert.Equal(Train(1), Train(1));
        Assert.NotEqual(Train(1), Train(2));
    }

    [Fact]
    public void Fit_ValidationData_LogsValMetrics_AndArgumentErrors()
    {
        (Tensor x, Tensor y) = Blobs(32);
        Sequential model = Classifier();
        model.Compile("sgd", "binary_crossentropy", ["mse"]);
        History history = model.Fit(x, y, epochs: 2, verbose: 0, validationData: (x, y));
        Assert.Equal(["loss", "mse", "val_loss", "val_mse"], history.Keys);
        Assert.Throws<ArgumentException>(() => model.Fit(x, y, validationSplit: 1.0, verbose: 0));
        Assert.Throws<ArgumentException>(() => model.Fit(x[..1], y[..1], validationSplit: 0.5, verbose: 0));
        Assert.Throws<ArgumentException>(() => model.Fit(x, y[..3], verbose: 0));
        Assert.Throws<InvalidOperationException>(() => Classifier().Fit(x, y, verbose: 0));
    }

    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];

        public override void OnTrainBegin(IDictionary<string, double> logs) => Events.Add("train_begin");

        public override void OnTrainEnd(IDictionary<string, double> logs) => Events.Add("train_end");

        public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => Events.Add($"epoch_begin {epoch}");

        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Events.Add($"epoch_end {epoch} {string.Join(",", logs.Keys)}");

        public override void OnBatchBegin(int batch, IDictionary<string, double> logs) => Events.Add($"batch_begin {batch}");

        public override void OnBatchEnd(int batch, IDictionary<string, double> logs) => Events.Add($"batch_end {batch} {string.Join(",", logs.Keys)}");
    }

    [Fact]
    public void Callbacks_HooksCalledInKerasOrder()
    {
        (Tensor x, Tensor y) = Blobs(20);
        Sequential model = Classifier();
        model.Compile(new SGD(0.1), new BinaryCrossentropy(), ["accuracy"]);
        var recorder = new Recorder();
        model.Fit(x, y, epochs: 2, batchSize: 10, verbose: 0, callbacks: [recorder]);
        Assert.Equal(
            [
                "train_begin",
                "epoch_begin 0", "batch_begin 0", "batch_end 0 loss,accuracy", "batch_begin 1", "batch_end 1 loss,accuracy", "epoch_end 0 loss,accuracy",
                "epoch_begin 1", "batch_begin 0", "batch_end 0 loss,accuracy", "batch_begin 1", "batch_end 1 loss,accuracy", "epoch_end 1 loss,accuracy",
                "train_end",
            ],
            recorder.Events);
        Assert.Same(model, recorder.Model);
        Assert.Equal(new TrainingParameters(2, 2, 0), recorder.Params);
    }

    // Logs a scripted val_loss each epoch and snapshots the kernel, so early stopping's choice is known.
    private sealed class ScriptedValLoss(double[] values) : Callback
    {
        public List<float> Kernels { get; } = [];

        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
        {
            logs["val_loss"] = values[epoch];
            Kernels.Add(Model!.Variables[0].ToArray<float>()[0]);
        }
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresBestWeights()
    {
        (Tensor x, Tensor y) = Blobs(16);
        Sequential model = Classifier();
        model.Compile(new SGD(0.5), new BinaryCrossentropy());
        var script = new ScriptedValLoss([1.0, 0.5, 0.6, 0.7, 0.4, 0.3]);
        var stop = new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true);
        History history = model.Fit(x, y, epochs: 6, batchSize: 16, verbose: 0, callbacks: [script, stop]);
        Assert.Equal(4, history.Loss.Count); // epochs 0-3: best at 1, no improvement at 2 and 3
        Assert.Equal(3, stop.StoppedEpoch);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(0.5, stop.Best);
        Assert.Equal(script.Kernels[1], model.Variables[0].ToArray<float>()[0]);
        Assert.NotEqual(script.Kernels[3], script.Kernels[1]);
    }

    [Fact]
    public void EarlyStopping_MissingMonitor_ThrowsListingKeys()
    {
        (Tensor x, Tensor y) = Blobs(16);
        Sequential model = Classifier();
        model.Compile(new SGD(0.5), new BinaryCrossentropy());
        var ex = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new EarlyStopping()]));
        Assert.Contains("val_loss", ex.Message, StringComparison.Ordinal);
        Assert.Contains("available: loss", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearningRateScheduler_SetsRateEachEpoch_AndLogsIt()
    {
        (Tensor x, Tensor y) = Blobs(16);
        Sequential model = Classifier();
        var sgd = new SGD(0.1);
        model.Compile(sgd, new BinaryCrossentropy());
        var seen = new List<double>();
        var scheduler = new LearningRateScheduler((epoch, lr) =>
        {
            seen.Add(lr);
            return epoch < 1 ? lr : lr * 0.5;
        });
        History history = model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0, callbacks: [scheduler]);
        Assert.Equal([0.1, 0.1, 0.05], seen);
        Assert.Equal([0.1, 0.05, 0.025], history["learning_rate"]);
        Assert.Equal(0.025, sgd.LearningRate, 12);
    }

    [Fact]
    public void ReduceLROnPlateau_ReducesAfterPatience_WithCooldownAndFloor()
    {
        (Tensor x, Tensor y) = Blobs(16);
        Sequential model = Classifier();
        var sgd = new SGD(1.0);
        model.Compile(sgd, new BinaryCrossentropy());
        var script = new ScriptedValLoss([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
        var reduce = new ReduceLROnPlateau(factor: 0.5, patience: 2, minLearningRate: 0.3);
        History history = model.Fit(x, y, epochs: 6, batchSize: 16, verbose: 0, callbacks: [script, reduce]);
        // Epoch 0 sets best; 1, 2 wait -> reduce at 2 to 0.5; 3, 4 wait -> reduce at 4 to max(0.25, 0.3).
        Assert.Equal([1.0, 1.0, 1.0, 0.5, 0.5, 0.3], history["learning_rate"]);
        Assert.Equal(0.3, sgd.LearningRate, 12);
        Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(factor: 1.0));
    }

    [Fact]
    public void ModelCheckpoint_SavesFormattedPaths_BestOnly_AndLoads()
    {
        (Tensor x, Tensor y) = Blobs(16);
        Sequential model = Classifier();
        model.Compile(new SGD(0.5), new BinaryCrossentropy());
        string dir = Path.Combine(Path.GetTempPath(), "nabla-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var script = new ScriptedValLoss([1.0, 0.5, 0.7, 0.25]);
            var checkpoint = new ModelCheckpoint(Path.Combine(dir, "w-{epoch:02d}-{val_loss:.2f}.ckpt"), saveBestOnly: true);
            model.Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, callbacks: [script, checkpoint]);
            Assert.Equal(["w-01-1.00.ckpt", "w-02-0.50.ckpt", "w-04-0.25.ckpt"], checkpoint.SavedPaths.Select(p => Path.GetFileName(p)));
            Tensor[] final = model.GetWeights();
            model.SetWeights([Tf.ZerosLike(final[0]), Tf.ZerosLike(final[1])]);
            model.LoadWeights(checkpoint.SavedPaths[^1]);
            Assert.Equal(final[0].ToArray<float>(), model.Variables[0].ToArray<float>());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Fit_Cancellation_ThrowsBetweenBatches()
    {
        (Tensor x, Tensor y) = Blobs(40);
        Sequential model = Classifier();
        model.Compile(new SGD(0.1), new BinaryCrossentropy());
        using var cts = new CancellationTokenSource();
        var cancelAfterThree = new CancelAfter(cts, 3);
        Assert.Throws<OperationCanceledException>(
            () => model.Fit(x, y, epochs: 5, batchSize: 4, verbose: 0, callbacks: [cancelAfterThree], cancellationToken: cts.Token));
        Assert.Equal(3, model.Optimizer!.Iterations);
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int batches) : Callback
    {
        private int _seen;

        public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
        {
            if (++_seen == batches)
            {
                cts.Cancel();
            }
        }
    }
}
