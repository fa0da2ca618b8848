using System.Globalization;
using Nabla.Keras.Distribute;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Makes a training job resumable (Keras's <c>BackupAndRestore</c>). The weights are backed up into
/// <see cref="BackupDirectory"/> at the end of every epoch (<c>saveFreq: "epoch"</c>) or every <c>saveFreq</c> batches;
/// when <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> starts and a backup is there, the weights are restored and training resumes at the
/// epoch the backup was taken in (after it, for an end-of-epoch backup; from that epoch's start, as Keras does, for a
/// backup taken mid-epoch). When <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> finishes the backups are deleted (unless
/// <c>deleteCheckpoint</c> is false); a job that throws or is killed keeps them.
/// </summary>
/// <remarks>
/// Each backup is written to a temporary name and renamed to <c>backup-epoch-{e}-step-{s}.safetensors</c> (the epoch
/// to resume at and the batches of it already trained), then older backups are deleted: a job killed at any moment
/// leaves the last complete backup. Under a distribution strategy only the chief writes, and every worker resumes at
/// the chief's epoch with the chief's weights (broadcast, so workers need not share its disk). The optimizer's state
/// (iteration count, learning rate, moments) of a built-in optimizer is backed up too, in
/// <c>optimizer-epoch-{e}-step-{s}.safetensors</c> written just before the weights, and restored with them.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    private const string Prefix = "backup-epoch-";
    private const string StepInfix = "-step-";
    private const string Extension = ".safetensors";
    private const string OptimizerPrefix = "optimizer-epoch-";

    private int _epoch;
    private long _batchesSinceBackup;

    /// <summary>Creates the callback that backs up at the end of every epoch.</summary>
    /// <param name="backupDirectory">Where backups are kept (created when needed); one directory per training job.</param>
    /// <param name="saveFreq">Keras's <c>save_freq</c>: only <c>"epoch"</c> here; the other constructor takes a number of batches.</param>
    /// <param name="deleteCheckpoint">Whether the backups are deleted when training finishes.</param>
    /// <exception cref="ArgumentException">When <paramref name="saveFreq"/> is not <c>"epoch"</c>.</exception>
    public BackupAndRestore(string backupDirectory, string saveFreq = "epoch", bool deleteCheckpoint = true)
        : this(backupDirectory, deleteCheckpoint, saveEveryBatches: null)
    {
        if (saveFreq != "epoch")
        {
            throw new ArgumentException(
                $"BackupAndRestore: invalid value for saveFreq, got '{saveFreq}'; expected 'epoch' or a positive number of batches.", nameof(saveFreq));
        }
    }

    /// <summary>Creates the callback that backs up every <paramref name="saveFreq"/> training batches (counted across epochs).</summary>
    /// <param name="backupDirectory">Where backups are kept (created when needed); one directory per training job.</param>
    /// <param name="saveFreq">The number of batches between backups.</param>
    /// <param name="deleteCheckpoint">Whether the backups are deleted when training finishes.</param>
    /// <exception cref="ArgumentException">When <paramref name="saveFreq"/> is not positive.</exception>
    public BackupAndRestore(string backupDirectory, int saveFreq, bool deleteCheckpoint = true)
        : this(backupDirectory, deleteCheckpoint, saveEveryBatches: saveFreq)
    {
        if (saveFreq <= 0)
        {
            throw new ArgumentException(
                $"BackupAndRestore: invalid value for saveFreq, got {saveFreq}; expected 'epoch' or a positive number of batches.", nameof(saveFreq));
        }
    }

    private BackupAndRestore(string backupDirectory, bool deleteCheckpoint, int? saveEveryBatches)
    {
        ArgumentException.ThrowIfNullOrEmpty(backupDirectory);
        BackupDirectory = backupDirectory;
        DeleteCheckpoint = deleteCheckpoint;
        SaveEveryBatches = saveEveryBatches;
    }

    /// <summary>Where backups are kept.</summary>
    public string BackupDirectory { get; }

    /// <summary>Whether the backups are deleted when training finishes.</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>The number of batches between backups, or <c>null</c> for one backup at the end of every epoch.</summary>
    public int? SaveEveryBatches { get; }

    /// <summary>The epoch (0-based) the last <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> resumed at, or <c>null</c> when it started afresh.</summary>
    public int? ResumedAt { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        Model model = RequireModel();
        IDistributionStrategy? strategy = model.DistributeStrategy ?? Distribution.Current;
        _batchesSinceBackup = 0;
        ResumedAt = null;
        (int epoch, _, string? path) = LatestBackup();
        if (strategy is not null)
        {
            // The chief's backup decides, for workers that may not see its disk: its epoch, then its weights.
            var shared = new Variable(epoch, name: "backup_and_restore/epoch");
            strategy.SynchronizeVariables([shared]);
            epoch = shared.Item<int>();
        }

        if (epoch < 0)
        {
            return;
        }

        bool reads = path is not null && (strategy is null || strategy.WorkerIndex == 0);
        if (reads)
        {
            model.LoadWeights(path!);
        }

        strategy?.SynchronizeVariables(model.Variables);
        BackupOptimizerState.Restore(reads ? OptimizerPath(path!) : null, model, strategy);
        ResumedAt = epoch;
        model.ResumeEpoch = epoch;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
    {
        if (SaveEveryBatches is int every && ++_batchesSinceBackup >= every)
        {
            _batchesSinceBackup = 0;
            Save(_epoch, batch + 1);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        if (SaveEveryBatches is null)
        {
            Save(epoch + 1, 0);
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (!DeleteCheckpoint || !IsWriter(RequireModel()))
        {
            return;
        }

        foreach ((_, _, string file) in Backups())
        {
            File.Delete(file);
            File.Delete(OptimizerPath(file));
        }

        if (Directory.Exists(BackupDirectory) && !Directory.EnumerateFileSystemEntries(BackupDirectory).Any())
        {
            Directory.Delete(BackupDirectory);
        }
    }

    // Writes the backup to resume at `epoch` (with `step` of its batches trained), then deletes the older ones.
    private void Save(int epoch, int step)
    {
        Model model = RequireModel();
        if (!IsWriter(model))
        {
            return;
        }

        Directory.CreateDirectory(BackupDirectory);
        string path = Path.Combine(BackupDirectory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{epoch}{StepInfix}{step}{Extension}"));
        // The optimizer's file first: the weights file makes the backup complete.
        if (BackupOptimizerState.Supported(model.Optimizer))
        {
            ModelCheckpoint.WriteAtomically(OptimizerPath(path), temporary => BackupOptimizerState.Save(temporary, model.Optimizer!, model));
        }

        ModelCheckpoint.WriteAtomically(path, temporary => model.SaveWeights(temporary));
        foreach ((_, _, string file) in Backups())
        {
            if (file != path)
            {
                File.Delete(file);
                File.Delete(OptimizerPath(file));
            }
        }
    }

    // The optimizer state's file beside a weights backup.
    private static string OptimizerPath(string backup) =>
        Path.Combine(Path.GetDirectoryName(backup)!, OptimizerPrefix + Path.GetFileName(backup)[Prefix.Length..]);

    // Under a distribution strategy every worker holds the same weights: only the chief writes them.
    private static bool IsWriter(Model model) => (model.DistributeStrategy ?? Distribution.Current) is null or { WorkerIndex: 0 };

    private (int Epoch, int Step, string? Path) LatestBackup()
    {
        (int epoch, int step, string? path) = (-1, -1, null);
        foreach ((int e, int s, string file) in Backups())
        {
            if (e > epoch || (e == epoch && s > step))
            {
                (epoch, step, path) = (e, s, file);
            }
        }

        return (epoch, step, path);
    }

    // The complete backups in the directory (a temporary file of an interrupted write has another name and is skipped).
    private IEnumerable<(int Epoch, int Step, string Path)> Backups()
    {
        if (!Directory.Exists(BackupDirectory))
        {
            yield break;
        }

        foreach (string file in Directory.GetFiles(BackupDirectory, Prefix + "*" + Extension))
        {
            string[] numbers = Path.GetFileName(file)[Prefix.Length..^Extension.Length].Split(StepInfix);
            if (numbers.Length == 2
                && int.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
                && int.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            {
                yield return (epoch, step, file);
            }
        }
    }
}
