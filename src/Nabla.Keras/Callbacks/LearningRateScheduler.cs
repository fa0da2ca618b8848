using System.Globalization;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Sets the optimizer's learning rate at the start of each epoch from <c>schedule(epoch, currentRate)</c>
/// (Keras's <c>LearningRateScheduler</c>); the rate used is logged as <c>learning_rate</c>.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">The new rate from the 0-based epoch and the current rate.</param>
    /// <param name="verbose">Whether to print each change (to the writer given to Fit).</param>
    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        Verbose = verbose;
    }

    /// <summary>Whether each change is printed.</summary>
    public int Verbose { get; }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        Model model = RequireModel();
        Optimizers.Optimizer optimizer = model.Optimizer
            ?? throw new InvalidOperationException("LearningRateScheduler: the model must be compiled with an optimizer.");
        double rate = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(rate))
        {
            throw new InvalidOperationException(
                $"LearningRateScheduler: the schedule returned {rate.ToString(CultureInfo.InvariantCulture)} for epoch {epoch}; a learning rate must be a finite number.");
        }

        optimizer.LearningRate = rate;
        if (Verbose > 0)
        {
            model.ProgressWriter?.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}."));
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (RequireModel().Optimizer is { } optimizer)
        {
            logs["learning_rate"] = optimizer.LearningRate;
        }
    }
}

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when a monitored metric has not improved for
/// <see cref="Patience"/> epochs (Keras's <c>ReduceLROnPlateau</c>), never below <see cref="MinLearningRate"/>,
/// then waits <see cref="Cooldown"/> epochs before watching again.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _maximize;
    private double _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    /// <param name="monitor">The logs key to watch.</param>
    /// <param name="factor">The factor applied to the rate; in [0, 1).</param>
    /// <param name="patience">Epochs without improvement before reducing.</param>
    /// <param name="mode"><c>auto</c>, <c>min</c> or <c>max</c>.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction.</param>
    /// <param name="minLearningRate">The lowest rate.</param>
    /// <param name="verbose">Whether to print each reduction.</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0, int verbose = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (!(factor >= 0 && factor < 1))
        {
            throw new ArgumentException(
                $"ReduceLROnPlateau does not support a factor >= 1.0 (or negative); got {factor.ToString(CultureInfo.InvariantCulture)}.", nameof(factor));
        }

        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Verbose = verbose;
        _maximize = MonitorRules.Maximize("ReduceLROnPlateau", monitor, mode);
        Reset();
    }

    /// <summary>The logs key watched.</summary>
    public string Monitor { get; }

    /// <summary>The factor applied to the rate.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The lowest rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>Whether each reduction is printed.</summary>
    public int Verbose { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs) => Reset();

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Model model = RequireModel();
        Optimizers.Optimizer optimizer = model.Optimizer
            ?? throw new InvalidOperationException("ReduceLROnPlateau: the model must be compiled with an optimizer.");
        logs["learning_rate"] = optimizer.LearningRate;
        double current = MonitorRules.Read("ReduceLROnPlateau", Monitor, logs);
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }

        if (_maximize ? current > _best + MinDelta : current < _best - MinDelta)
        {
            _best = current;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= Patience)
            {
                double old = optimizer.LearningRate;
                if (old > MinLearningRate)
                {
                    double rate = Math.Max(old * Factor, MinLearningRate);
                    optimizer.LearningRate = rate;
                    if (Verbose > 0)
                    {
                        model.ProgressWriter?.WriteLine(string.Create(
                            CultureInfo.InvariantCulture, $"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {rate}."));
                    }

                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }

    private void Reset()
    {
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _cooldownCounter = 0;
        _wait = 0;
    }
}
