using System.Diagnostics;
using Nabla.Keras.Distribute;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Writes training logs for TensorBoard (Keras's <c>keras.callbacks.TensorBoard</c>): at each epoch's end the logs as
/// scalars <c>epoch_{name}</c> (step = the 0-based epoch) with the optimizer's <c>epoch_learning_rate</c>, in an event
/// file under <c>{logDir}/train</c>, and the <c>val_</c> logs without their prefix under <c>{logDir}/validation</c>;
/// with <see cref="UpdateFreq"/> set to batches, <c>batch_{name}</c> every that many batches (step = the 1-based
/// batch count since training began); with <see cref="HistogramFreq"/>, a histogram of every weight of every layer,
/// tagged <c>{layer}/{weight}/histogram</c>, every that many epochs. Values are written as <c>simple_value</c> scalars
/// and <c>HistogramProto</c> histograms, which TensorBoard reads as it reads <c>tf.summary</c>'s.
/// Keras's <c>write_graph</c>, <c>write_images</c>, <c>profile_batch</c> and embeddings are not supported.
/// Under a distribution strategy only the chief writes. Files are closed at the end of training (or by
/// <see cref="Dispose"/> when training fails); a later <c>Fit</c> starts new files, as TensorFlow does.
/// </summary>
public sealed class TensorBoard : Callback, IDisposable
{
    private EventFileWriter? _train;
    private EventFileWriter? _validation;
    private long _globalBatch;
    private long _epochStartBatch;
    private Stopwatch _epochClock = new();
    private Stopwatch _batchClock = new();

    /// <summary>Creates the callback.</summary>
    /// <param name="logDir">The folder TensorBoard is pointed at (<c>tensorboard --logdir logs</c>).</param>
    /// <param name="histogramFreq">Every how many epochs to write weight histograms; 0 for never.</param>
    /// <param name="writeStepsPerSecond">Whether to log training steps per second (<c>epoch_steps_per_second</c>, and
    /// <c>batch_steps_per_second</c> when batches are logged).</param>
    /// <param name="updateFreq"><c>"epoch"</c> (the default), <c>"batch"</c>, or a number of batches.</param>
    public TensorBoard(string logDir = "logs", int histogramFreq = 0, bool writeStepsPerSecond = false, UpdateFrequency updateFreq = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        ArgumentOutOfRangeException.ThrowIfNegative(histogramFreq);
        LogDir = logDir;
        HistogramFreq = histogramFreq;
        WriteStepsPerSecond = writeStepsPerSecond;
        UpdateFreq = updateFreq;
    }

    /// <summary>The log folder.</summary>
    public string LogDir { get; }

    /// <summary>Every how many epochs weight histograms are written (0: never).</summary>
    public int HistogramFreq { get; }

    /// <summary>Whether steps per second are logged.</summary>
    public bool WriteStepsPerSecond { get; }

    /// <summary>How often scalars are written.</summary>
    public UpdateFrequency UpdateFreq { get; }

    /// <summary>The training event file being written, once something was.</summary>
    public string? TrainFile => _train?.FilePath;

    /// <summary>The validation event file being written, once something was.</summary>
    public string? ValidationFile => _validation?.FilePath;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        CloseWriters();
        _globalBatch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        _epochStartBatch = _globalBatch;
        _epochClock = Stopwatch.StartNew();
    }

    /// <inheritdoc/>
    public override void OnBatchBegin(int batch, IDictionary<string, double> logs)
    {
        _globalBatch++;
        _batchClock = Stopwatch.StartNew();
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (UpdateFreq.Batches == 0 || _globalBatch % UpdateFreq.Batches != 0 || !IsWriter())
        {
            return;
        }

        EventFileWriter train = _train ??= new EventFileWriter(Path.Combine(LogDir, "train"));
        if (WriteStepsPerSecond)
        {
            train.WriteScalar("batch_steps_per_second", 1 / Math.Max(_batchClock.Elapsed.TotalSeconds, 1e-9), _globalBatch);
        }

        foreach ((string name, double value) in logs)
        {
            train.WriteScalar("batch_" + name, value, _globalBatch);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Model model = RequireModel();
        if (!IsWriter())
        {
            return;
        }

        EventFileWriter train = _train ??= new EventFileWriter(Path.Combine(LogDir, "train"));
        var trainLogs = new List<(string Name, double Value)>();
        foreach ((string name, double value) in logs)
        {
            if (name.StartsWith("val_", StringComparison.Ordinal))
            {
                _validation ??= new EventFileWriter(Path.Combine(LogDir, "validation"));
                _validation.WriteScalar("epoch_" + name[4..], value, epoch);
            }
            else if (name != "learning_rate")
            {
                trainLogs.Add((name, value));
            }
        }

        // As Keras: the optimizer's current rate joins the training logs (replacing a logged one, which is the same).
        if (model.Optimizer is { } optimizer)
        {
            trainLogs.Add(("learning_rate", optimizer.LearningRate));
        }
        else if (logs.TryGetValue("learning_rate", out double rate))
        {
            trainLogs.Add(("learning_rate", rate));
        }

        if (WriteStepsPerSecond)
        {
            trainLogs.Add(("steps_per_second", (_globalBatch - _epochStartBatch) / Math.Max(_epochClock.Elapsed.TotalSeconds, 1e-9)));
        }

        foreach ((string name, double value) in trainLogs)
        {
            train.WriteScalar("epoch_" + name, value, epoch);
        }

        if (HistogramFreq > 0 && epoch % HistogramFreq == 0)
        {
            WriteWeightHistograms(model, train, epoch);
        }

        train.Flush();
        _validation?.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs) => CloseWriters();

    /// <summary>Closes the event files (when training ended by an exception, <c>OnTrainEnd</c> never ran).</summary>
    public void Dispose() => CloseWriters();

    // Keras's tags: the weight's path ("dense/kernel", the variable name without ":0") then "/histogram".
    private static void WriteWeightHistograms(Model model, EventFileWriter writer, int epoch)
    {
        foreach (Layer layer in model.Layers)
        {
            foreach (Variable weight in layer.Weights)
            {
                int colon = weight.Name.LastIndexOf(':');
                string path = colon < 0 ? weight.Name : weight.Name[..colon];
                double[] values = Tf.Cast(weight, DType.Float64).ToArray<double>();
                writer.WriteHistogram(path + "/histogram", values, epoch);
            }
        }
    }

    private bool IsWriter() => (RequireModel().DistributeStrategy ?? Distribution.Current) is not { WorkerIndex: not 0 };

    private void CloseWriters()
    {
        _train?.Dispose();
        _validation?.Dispose();
        (_train, _validation) = (null, null);
    }
}

/// <summary>
/// How often <see cref="TensorBoard"/> writes scalars, as Keras's <c>update_freq</c>: <c>"epoch"</c> (the default
/// value), <c>"batch"</c>, or a number of batches; strings and integers convert implicitly.
/// </summary>
public readonly record struct UpdateFrequency
{
    private UpdateFrequency(int batches) => Batches = batches;

    /// <summary>Every how many batches batch-level scalars are written; 0 for epochs only.</summary>
    public int Batches { get; }

    /// <summary>Scalars at the end of each epoch only.</summary>
    public static UpdateFrequency Epoch => default;

    /// <summary>Scalars after every batch too.</summary>
    public static UpdateFrequency Batch => new(1);

    /// <summary>Batch-level scalars every <paramref name="batches"/> batches.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="batches"/> is not positive.</exception>
    public static UpdateFrequency FromInt32(int batches)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        return new(batches);
    }

    /// <summary><c>"epoch"</c> or <c>"batch"</c>.</summary>
    /// <exception cref="ArgumentException">For any other text.</exception>
    public static UpdateFrequency FromString(string name) => name switch
    {
        "epoch" => Epoch,
        "batch" => Batch,
        _ => throw new ArgumentException($"TensorBoard: updateFreq must be 'epoch', 'batch' or a number of batches, got '{name}'.", nameof(name)),
    };

    /// <summary>Batch-level scalars every <paramref name="batches"/> batches.</summary>
    public static implicit operator UpdateFrequency(int batches) => FromInt32(batches);

    /// <summary><c>"epoch"</c> or <c>"batch"</c>.</summary>
    public static implicit operator UpdateFrequency(string name) => FromString(name);

    /// <inheritdoc/>
    public override string ToString() => Batches switch { 0 => "epoch", 1 => "batch", _ => $"every {Batches} batches" };
}
