using System.Globalization;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Stops training when a monitored metric stops improving (Keras's <c>EarlyStopping</c>). An epoch improves
/// when the value beats the best so far by more than <see cref="MinDelta"/>; after <see cref="Patience"/>
/// epochs without improvement training stops. With <see cref="RestoreBestWeights"/> the model gets back the
/// weights of its best epoch when training ends (as Keras 3).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly bool _maximize;
    private Tensor[]? _bestWeights;
    private int _wait;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    /// <param name="monitor">The logs key to watch.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="mode"><c>auto</c>, <c>min</c> or <c>max</c>.</param>
    /// <param name="baseline">A value the metric must beat; training stops after <paramref name="patience"/> epochs that do not.</param>
    /// <param name="restoreBestWeights">Whether to restore the best epoch's weights at the end.</param>
    /// <param name="startFromEpoch">Epochs to wait before watching (a warm-up).</param>
    /// <param name="verbose">Whether to print when stopping (to the writer given to Fit).</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, string mode = "auto", double? baseline = null,
        bool restoreBestWeights = false, int startFromEpoch = 0, int verbose = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (patience < 0)
        {
            throw new ArgumentException($"EarlyStopping: patience must be non-negative, got {patience}.", nameof(patience));
        }

        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        Verbose = verbose;
        _maximize = MonitorRules.Maximize("EarlyStopping", monitor, mode);
    }

    /// <summary>The logs key watched.</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>The value to beat, if any.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs ignored at the start.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Whether to print when stopping.</summary>
    public int Verbose { get; }

    /// <summary>The epoch (0-based) at which training stopped; 0 when it did not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The best epoch (0-based) so far.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value so far.</summary>
    public double Best { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        _bestWeights = null;
        Best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (epoch < StartFromEpoch)
        {
            return;
        }

        double current = MonitorRules.Read("EarlyStopping", Monitor, logs);
        Model model = RequireModel();
        if (RestoreBestWeights && _bestWeights is null)
        {
            _bestWeights = model.GetWeights();
        }

        _wait++;
        if (IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                _bestWeights = model.GetWeights();
            }

            if (Baseline is not double baseline || IsImprovement(current, baseline))
            {
                _wait = 0;
            }

            return;
        }

        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            model.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        Model model = RequireModel();
        if (StoppedEpoch > 0 && Verbose > 0)
        {
            model.ProgressWriter?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {StoppedEpoch + 1}: early stopping"));
        }

        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0)
            {
                model.ProgressWriter?.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"Restoring model weights from the end of the best epoch: {BestEpoch + 1}."));
            }

            model.SetWeights(_bestWeights);
        }
    }

    private bool IsImprovement(double value, double reference) =>
        _maximize ? value - MinDelta > reference : value + MinDelta < reference;
}
