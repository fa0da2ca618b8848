using Nabla.Keras.Callbacks;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

public class BackupAndRestoreTests
{
    [Fact]
    public void Fit_InterruptedThenRerun_ResumesAfterTheLastBackedUpEpochWithItsWeights()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        try
        {
            (Tensor x, Tensor y) = Data();
            Sequential model = Model();
            var interrupt = new InterruptAt(epoch: 1);
            Assert.Throws<InvalidOperationException>(() =>
                model.Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, callbacks: [new BackupAndRestore(directory), interrupt]));
            Assert.Equal(["backup-epoch-2-step-0.safetensors", "optimizer-epoch-2-step-0.safetensors"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
            float[][] saved = [.. interrupt.WeightsAtInterrupt!.Select(w => w.ToArray<float>())];

            // A new process would build the model again: its fresh weights are replaced by the backup's.
            Sequential again = Model();
            var backup = new BackupAndRestore(directory);
            var first = new FirstEpochWeights();
            History history = again.Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, callbacks: [backup, first]);
            Assert.Equal(2, backup.ResumedAt);
            Assert.Equal([2, 3], history.Epoch);
            Assert.Equal(saved.Length, first.Weights!.Length);
            for (int i = 0; i < saved.Length; i++)
            {
                Assert.Equal(saved[i], first.Weights[i].ToArray<float>());
            }

            Assert.False(Directory.Exists(directory));   // deleted once training finished
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void Fit_NoBackup_StartsAtTheFirstEpoch()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        (Tensor x, Tensor y) = Data();
        var backup = new BackupAndRestore(directory, deleteCheckpoint: false);
        History history = Model().Fit(x, y, epochs: 2, batchSize: 4, verbose: 0, callbacks: [backup]);
        Assert.Null(backup.ResumedAt);
        Assert.Equal([0, 1], history.Epoch);
        Assert.Equal(["backup-epoch-2-step-0.safetensors", "optimizer-epoch-2-step-0.safetensors"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Fit_SaveFreqInBatches_ResumesTheInterruptedEpochFromItsStartWithTheLastBackedUpWeights()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        try
        {
            (Tensor x, Tensor y) = Data();   // 8 samples in batches of 4: 2 batches an epoch

            // Backups after batches 3 and 6 (counted across epochs): epoch 1's first batch, epoch 2's second.
            // The job dies after epoch 2's first batch (the 5th), so the last backup is the one after batch 3.
            var interrupt = new InterruptAtBatch(epoch: 2, batch: 0);
            var weightsAfterBatch3 = new WeightsAfterBatch(epoch: 1, batch: 0);
            Assert.Throws<InvalidOperationException>(() => Model().Fit(x, y, epochs: 4, batchSize: 4, verbose: 0,
                callbacks: [new BackupAndRestore(directory, saveFreq: 3), weightsAfterBatch3, interrupt]));
            Assert.Equal(["backup-epoch-1-step-1.safetensors", "optimizer-epoch-1-step-1.safetensors"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());

            var backup = new BackupAndRestore(directory, saveFreq: 3);
            var first = new FirstEpochWeights();
            History history = Model().Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, callbacks: [backup, first]);
            Assert.Equal(1, backup.ResumedAt);
            Assert.Equal([1, 2, 3], history.Epoch);
            for (int i = 0; i < first.Weights!.Length; i++)
            {
                Assert.Equal(weightsAfterBatch3.Weights![i].ToArray<float>(), first.Weights[i].ToArray<float>());
            }

            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void Fit_TornTemporaryFileAndForeignFiles_AreIgnoredAndTheLastCompleteBackupWins()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        try
        {
            (Tensor x, Tensor y) = Data();
            Assert.Throws<InvalidOperationException>(() =>
                Model().Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, callbacks: [new BackupAndRestore(directory), new InterruptAt(epoch: 0)]));

            // A write killed before its rename leaves a temporary file; it must not be taken for a newer backup.
            File.WriteAllText(Path.Combine(directory, ".tmp123-backup-epoch-3-step-0.safetensors"), "torn");
            File.WriteAllText(Path.Combine(directory, "backup-epoch-x-step-0.safetensors"), "not ours");
            var backup = new BackupAndRestore(directory);
            Model().Fit(x, y, epochs: 2, batchSize: 4, verbose: 0, callbacks: [backup]);
            Assert.Equal(1, backup.ResumedAt);
            Assert.Equal(2, Directory.GetFiles(directory).Length);   // only its own backups deleted; the others kept
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Keras 3 backs up the optimizer with the model: a resumed job continues Adam's moments and step count, so it
    // ends at the very weights an uninterrupted job reaches (same data order: no shuffling).
    [Fact]
    public void Fit_InterruptedAdamJob_ResumesTheOptimizerStateAndEndsAtTheUninterruptedWeights()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        try
        {
            (Tensor x, Tensor y) = Data();
            Sequential whole = Model(new Adam(0.05));
            whole.Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, shuffle: false);

            Assert.Throws<InvalidOperationException>(() => Model(new Adam(0.05)).Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, shuffle: false,
                callbacks: [new BackupAndRestore(directory), new InterruptAt(epoch: 1)]));
            Sequential resumed = Model(new Adam(0.05));
            resumed.Fit(x, y, epochs: 4, batchSize: 4, verbose: 0, shuffle: false, callbacks: [new BackupAndRestore(directory)]);

            Assert.Equal(whole.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
            for (int i = 0; i < whole.Variables.Count; i++)
            {
                Assert.Equal(whole.Variables[i].ToArray<float>(), resumed.Variables[i].ToArray<float>());
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void Restore_OptimizerStateOfAnotherModel_FailsNamingTheFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nabla-backup-{Guid.NewGuid():N}");
        try
        {
            (Tensor x, Tensor y) = Data();
            Model(new Adam()).Fit(x, y, epochs: 1, batchSize: 4, verbose: 0, callbacks: [new BackupAndRestore(directory, deleteCheckpoint: false)]);
            File.Copy(Path.Combine(directory, "optimizer-epoch-1-step-0.safetensors"), Path.Combine(directory, "saved.safetensors"));
            File.Delete(Path.Combine(directory, "optimizer-epoch-1-step-0.safetensors"));
            Model(new SGD(0.1, momentum: 0.9)).Fit(x, y, epochs: 1, batchSize: 4, verbose: 0, callbacks: [new BackupAndRestore(directory, deleteCheckpoint: false)]);
            File.Copy(Path.Combine(directory, "saved.safetensors"), Path.Combine(directory, "optimizer-epoch-1-step-0.safetensors"), overwrite: true);
            var error = Assert.Throws<InvalidDataException>(() =>
                Model(new SGD(0.1, momentum: 0.9)).Fit(x, y, epochs: 2, batchSize: 4, verbose: 0, callbacks: [new BackupAndRestore(directory)]));
            Assert.Contains("optimizer-epoch-1-step-0.safetensors", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Constructor_BadSaveFreq_ThrowsNamingTheArgument()
    {
        var text = Assert.Throws<ArgumentException>(() => new BackupAndRestore("dir", saveFreq: "batch"));
        Assert.Contains("saveFreq", text.Message, StringComparison.Ordinal);
        Assert.Contains("'batch'", text.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentException>(() => new BackupAndRestore("dir", saveFreq: 0));
        Assert.Contains("got 0", zero.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BackupAndRestore(""));
    }

    private static Sequential Model(Optimizer? optimizer = null)
    {
        Backend.ClearSession();
        Tf.Random.SetSeed(5);
        var model = new Sequential(new Dense(3, "relu", inputShape: [2]), new Dense(2));
        model.Compile(optimizer ?? new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        return model;
    }

    private static (Tensor X, Tensor Y) Data() =>
        (Tf.Constant(new float[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 }, { 0.5f, 1 }, { 1, 0.5f }, { 0.2f, 0.1f }, { 0.9f, 0.8f } }),
            Tf.Constant(new[] { 0, 1, 1, 0, 0, 1, 0, 1 }));

    private sealed class InterruptAt(int epoch) : Callback
    {
        public Tensor[]? WeightsAtInterrupt { get; private set; }

        public override void OnEpochEnd(int e, IDictionary<string, double> logs)
        {
            if (e == epoch)
            {
                WeightsAtInterrupt = RequireModel().GetWeights();
                throw new InvalidOperationException("interrupted");
            }
        }
    }

    private sealed class InterruptAtBatch(int epoch, int batch) : Callback
    {
        private int _epoch;

        public override void OnEpochBegin(int e, IDictionary<string, double> logs) => _epoch = e;

        public override void OnBatchEnd(int b, IDictionary<string, double> logs)
        {
            if (_epoch == epoch && b == batch)
            {
                throw new InvalidOperationException("interrupted");
            }
        }
    }

    private sealed class WeightsAfterBatch(int epoch, int batch) : Callback
    {
        private int _epoch;

        public Tensor[]? Weights { get; private set; }

        public override void OnEpochBegin(int e, IDictionary<string, double> logs) => _epoch = e;

        public override void OnBatchEnd(int b, IDictionary<string, double> logs)
        {
            if (_epoch == epoch && b == batch)
            {
                Weights = RequireModel().GetWeights();
            }
        }
    }

    private sealed class FirstEpochWeights : Callback
    {
        public Tensor[]? Weights { get; private set; }

        public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => Weights ??= RequireModel().GetWeights();
    }
}
