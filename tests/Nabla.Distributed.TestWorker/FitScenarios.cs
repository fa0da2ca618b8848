using Nabla.Keras;
using Nabla.Keras.Callbacks;

namespace Nabla.Distributed.TestWorker;

/// <summary>Keras's Fit, Evaluate and Predict under the strategy, against one worker training on the global batch.</summary>
internal static class FitScenarios
{
    /// <summary>
    /// N workers with per-worker batch 16 train to the same weights as one worker with batch 16·N (within float
    /// rounding), the weights are bitwise equal on every worker after every step, and Evaluate/Predict agree.
    /// </summary>
    public static void Equivalence(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        int n = strategy.NumReplicasInSync;
        (Tensor x, Tensor y) = Data.Make(192);
        (Tensor valX, Tensor valY) = Data.Make(50, seed: 2);

        // Different initial weights on purpose: the scope must give every worker the chief's.
        Tf.Random.SetSeed(100 + strategy.WorkerIndex);
        Sequential model;
        using (strategy.Scope())
        {
            model = Data.Model();
            Data.Compile(model);
        }

        Check.SameOnAllWorkers(strategy, Check.Fingerprint(model.Variables), "initial weights");
        Sequential reference = Data.Model();
        reference.SetWeights(model.GetWeights());
        Data.Compile(reference);

        var identical = new WeightsIdenticalEveryStep(strategy);
        History distributed = model.Fit(x, y, epochs: 3, batchSize: 16 * n, seed: 7, verbose: 0, validationData: (valX, valY), callbacks: [identical]);
        History single = reference.Fit(x, y, epochs: 3, batchSize: 16 * n, seed: 7, verbose: 0, validationData: (valX, valY));
        Check.That(identical.Steps == 3 * (192 / (16 * n)), $"{identical.Steps} steps checked");

        double worst = 0;
        for (int i = 0; i < model.Variables.Count; i++)
        {
            worst = Math.Max(worst, Check.MaxDifference(model.Variables[i], reference.Variables[i]));
        }

        Check.That(worst < 1e-5, $"weights after 3 epochs differ from one worker's with batch {16 * n} by {worst}");
        foreach (string key in new[] { "loss", "accuracy", "val_loss", "val_accuracy" })
        {
            for (int e = 0; e < 3; e++)
            {
                double a = distributed[key][e];
                double b = single[key][e];
                Check.That(Math.Abs(a - b) < 1e-5, $"{key} of epoch {e}: {a} on {n} workers, {b} on one");
                Check.SameOnAllWorkers(strategy, BitConverter.DoubleToInt64Bits(a), $"{key} of epoch {e}");
            }
        }

        Dictionary<string, double> evaluated = model.EvaluateMetrics(valX, valY, batchSize: 8);
        Dictionary<string, double> evaluatedAlone = reference.EvaluateMetrics(valX, valY, batchSize: 8);
        Check.That(Math.Abs(evaluated["loss"] - evaluatedAlone["loss"]) < 1e-5 && evaluated["accuracy"] == evaluatedAlone["accuracy"],
            $"Evaluate: {evaluated["loss"]}/{evaluated["accuracy"]} on {n} workers, {evaluatedAlone["loss"]}/{evaluatedAlone["accuracy"]} on one");

        // 50 rows do not split evenly over 3 workers: Predict still returns all of them, in order.
        Tensor predicted = model.Predict(valX, batchSize: 8);
        Check.That(predicted.Shape == new Shape(50, Data.Classes), $"Predict shape {predicted.Shape}");
        Check.That(Check.MaxDifference(predicted, reference.Predict(valX)) < 1e-5, "Predict on all workers equals one worker's");
        Scenarios.Pass("fit", strategy);
    }

    /// <summary>Progress on the chief only, checkpoints written by the chief only, EarlyStopping stopping every worker at once.</summary>
    public static void Callbacks(string[] args)
    {
        string directory = args[0];
        using var strategy = new MultiWorkerMirroredStrategy();
        (Tensor x, Tensor y) = Data.Make(96);
        Sequential model;
        using (strategy.Scope())
        {
            model = Data.Model();
            Data.Compile(model);
        }

        int saves = 0;
        var checkpoint = new ModelCheckpoint(Path.Combine(directory, "weights-{epoch:02d}.safetensors"), monitor: "loss",
            save: (m, path) => { saves++; WeightsFile.SaveWeights(m, path); });
        var stop = new EarlyStopping(monitor: "loss", minDelta: 10, patience: 1);
        using var progress = new StringWriter();
        History history = model.Fit(x, y, epochs: 20, batchSize: 32, verbose: 2, output: progress, callbacks: [checkpoint, stop]);

        bool chief = strategy.IsChief;
        Check.That(chief ? progress.ToString().Contains("Epoch 1/20", StringComparison.Ordinal) : progress.ToString().Length == 0,
            $"progress printed by worker {strategy.WorkerIndex}: '{progress}'");
        Check.That(stop.StoppedEpoch == 1 && history.Loss.Count == 2, $"EarlyStopping stopped at epoch {stop.StoppedEpoch}");
        Check.SameOnAllWorkers(strategy, stop.StoppedEpoch, "the epoch EarlyStopping stopped at");
        Check.That(saves == (chief ? 2 : 0), $"worker {strategy.WorkerIndex} wrote {saves} checkpoints");
        strategy.Barrier();
        string[] written = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Check.That(written.SequenceEqual(["weights-01.safetensors", "weights-02.safetensors"]), $"files: {string.Join(", ", written)}");

        // BackupAndRestore: every worker stops after epoch 1 (as a killed job would), then a new model resumes at epoch 2
        // from the chief's backup, with the same weights on every worker.
        string backups = Path.Combine(directory, "backup");
        try
        {
            model.Fit(x, y, epochs: 4, batchSize: 32, verbose: 0, callbacks: [new BackupAndRestore(backups), new StopAfter(1)]);
        }
        catch (OperationCanceledException)
        {
        }

        Sequential resumed;
        Tf.Random.SetSeed(300 + strategy.WorkerIndex);
        using (strategy.Scope())
        {
            resumed = Data.Model();
            Data.Compile(resumed);
        }

        var restore = new BackupAndRestore(backups);
        History rest = resumed.Fit(x, y, epochs: 4, batchSize: 32, verbose: 0, callbacks: [restore]);
        Check.That(restore.ResumedAt == 2 && rest.Epoch.SequenceEqual([2, 3]), $"resumed at {restore.ResumedAt}, epochs {string.Join(", ", rest.Epoch)}");
        Check.SameOnAllWorkers(strategy, Check.Fingerprint(resumed.Variables), "weights after resuming");
        strategy.Barrier();
        Check.That(!Directory.Exists(backups) || Directory.GetFiles(backups).Length == 0, "backups deleted after training");
        Scenarios.Pass("callbacks", strategy);
    }

    /// <summary>Stops training with an exception at the end of an epoch, on every worker alike.</summary>
    private sealed class StopAfter(int epoch) : Callback
    {
        public override void OnEpochEnd(int e, IDictionary<string, double> logs)
        {
            if (e == epoch)
            {
                throw new OperationCanceledException("stopped after epoch " + e);
            }
        }
    }

    /// <summary>After every batch, checks that every worker holds bitwise the same weights.</summary>
    private sealed class WeightsIdenticalEveryStep(MultiWorkerMirroredStrategy strategy) : Callback
    {
        public int Steps { get; private set; }

        public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
        {
            Check.SameOnAllWorkers(strategy, Check.Fingerprint(RequireModel().Variables), $"weights after step {Steps}");
            Steps++;
        }
    }
}
