namespace Nabla.Keras.Callbacks;

/// <summary>
/// A hook into training (Keras's <c>keras.callbacks.Callback</c>): <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> calls these methods at
/// the start and end of training, of each epoch and of each batch. <c>logs</c> holds the running loss and metrics
/// (<c>loss</c>, <c>accuracy</c>, and after validation <c>val_loss</c>...); a callback may add entries.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> before <see cref="OnTrainBegin"/>.</summary>
    public Model? Model { get; private set; }

    /// <summary>The run's parameters (epochs, steps per epoch, verbosity); set with <see cref="Model"/>.</summary>
    public TrainingParameters? Params { get; private set; }

    /// <summary>Sets <see cref="Model"/> (Keras's <c>set_model</c>).</summary>
    public void SetModel(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>Sets <see cref="Params"/> (Keras's <c>set_params</c>).</summary>
    public void SetParams(TrainingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = parameters;
    }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(IDictionary<string, double> logs)
    {
    }

    /// <summary>Called once after the last epoch (also when training stopped early); <paramref name="logs"/> are the last epoch's.</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs)
    {
    }

    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
    }

    /// <summary>Called at the end of each epoch with its training and validation results.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
    }

    /// <summary>Called before each training batch (0-based within the epoch).</summary>
    public virtual void OnBatchBegin(int batch, IDictionary<string, double> logs)
    {
    }

    /// <summary>Called after each training batch with the epoch's running results.</summary>
    public virtual void OnBatchEnd(int batch, IDictionary<string, double> logs)
    {
    }

    /// <summary>The trained model, or an exception naming the callback when it is used outside <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/>.</summary>
    protected Model RequireModel() =>
        Model ?? throw new InvalidOperationException($"{GetType().Name}: no model set; pass the callback to Model.Fit or call SetModel.");
}

/// <summary>What <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> tells its callbacks about the run (Keras's <c>callback.params</c>).</summary>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Steps">The number of batches per epoch; null when unknown (a dataset whose length is known only by iterating it).</param>
/// <param name="Verbose">The verbosity (0 silent, 1 progress bar, 2 one line per epoch).</param>
public sealed record TrainingParameters(int Epochs, int? Steps, int Verbose);

/// <summary>Calls a list of callbacks in order.</summary>
internal sealed class CallbackList(IReadOnlyList<Callback> callbacks)
{
    public void TrainBegin(IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnTrainBegin(logs);
        }
    }

    public void TrainEnd(IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnTrainEnd(logs);
        }
    }

    public void EpochBegin(int epoch, IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnEpochBegin(epoch, logs);
        }
    }

    public void EpochEnd(int epoch, IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnEpochEnd(epoch, logs);
        }
    }

    public void BatchBegin(int batch, IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnBatchBegin(batch, logs);
        }
    }

    public void BatchEnd(int batch, IDictionary<string, double> logs)
    {
        foreach (Callback c in callbacks)
        {
            c.OnBatchEnd(batch, logs);
        }
    }
}

/// <summary>Keras's monitor logic shared by EarlyStopping, ReduceLROnPlateau and ModelCheckpoint.</summary>
internal static class MonitorRules
{
    /// <summary>Whether larger is better: <c>max</c>, <c>min</c>, or for <c>auto</c> a name ending in <c>acc</c>, <c>accuracy</c> or <c>auc</c>.</summary>
    public static bool Maximize(string callback, string monitor, string mode) => mode switch
    {
        "max" => true,
        "min" => false,
        "auto" => monitor.EndsWith("acc", StringComparison.Ordinal) || monitor.EndsWith("accuracy", StringComparison.Ordinal)
            || monitor.EndsWith("auc", StringComparison.Ordinal),
        _ => throw new ArgumentException($"{callback}: mode must be 'auto', 'min' or 'max', got '{mode}'.", nameof(mode)),
    };

    /// <summary>The monitored value, or an exception listing the available keys.</summary>
    public static double Read(string callback, string monitor, IDictionary<string, double> logs)
    {
        if (logs.TryGetValue(monitor, out double value))
        {
            return value;
        }

        throw new InvalidOperationException(
            $"{callback}: the monitored metric '{monitor}' is not in the logs (available: {string.Join(", ", logs.Keys)}). " +
            "Pass validationData or validationSplit to Fit for 'val_' metrics, or monitor another metric.");
    }
}
