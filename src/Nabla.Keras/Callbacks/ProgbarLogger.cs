using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Prints Keras's training progress (Keras's <c>ProgbarLogger</c>): <c>Epoch 3/10</c>, then on an interactive
/// writer a bar redrawn in place with <c>\r</c>
/// (<c>12/47 [======&gt;.......................] - ETA: 0s - loss: 0.4321</c>) and finished with the epoch's
/// time per step; on a redirected writer (or with verbose 2) exactly one line per epoch
/// (<c>47/47 - 0s - 3ms/step - loss: 0.4321 - val_loss: 0.5000</c>).
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly double _interval;
    private readonly Stopwatch _clock = new();
    private int _epochs;
    private int _target;   // 0 when the number of steps is unknown
    private int _seen;
    private int _previousWidth;
    private double _lastUpdate;

    /// <summary>Creates the logger.</summary>
    /// <param name="writer">Where to print.</param>
    /// <param name="interactive">Whether the writer is a terminal: the bar is redrawn with <c>\r</c>; otherwise one line per epoch.</param>
    /// <param name="interval">The least time in seconds between two redraws of the bar.</param>
    public ProgbarLogger(TextWriter writer, bool interactive, double interval = 0.05)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _interactive = interactive;
        _interval = interval;
    }

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _epochs = Params?.Epochs ?? 0;
        _target = Params?.Steps ?? 0;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{_epochs}"));
        _previousWidth = 0;
        _seen = 0;
        _lastUpdate = double.NegativeInfinity;
        _clock.Restart();
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        int current = batch + 1;
        _seen = current;
        if (_interactive && (_target <= 0 || current < _target))
        {
            Update(current, logs, finalize: false);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (_target <= 0)
        {
            _target = _seen;   // as Keras: an unknown step count is learned from the first epoch
        }

        Update(_target, logs, finalize: true);
        _writer.Flush();
    }

    /// <summary>Keras's bar: <c>12/47 [======&gt;.......................]</c> (the count right-aligned to the target's digits).</summary>
    public static string Bar(int current, int target)
    {
        var bar = new StringBuilder();
        bar.Append(Count(current, target)).Append(" [");
        int filled = target > 0 ? (int)(Width * ((double)current / target)) : Width;
        if (filled > 0)
        {
            bar.Append('=', filled - 1).Append(current < target ? '>' : '=');
        }

        bar.Append('.', Width - filled).Append(']');
        return bar.ToString();
    }

    /// <summary>Keras's time per step: <c> 3ms/step</c>, <c> 2s/step</c> or <c> 450us/step</c>.</summary>
    public static string FormatTimePerStep(double seconds) => seconds >= 1 || seconds == 0
        ? string.Create(CultureInfo.InvariantCulture, $" {seconds:0}s/step")
        : seconds >= 1e-3
            ? string.Create(CultureInfo.InvariantCulture, $" {seconds * 1e3:0}ms/step")
            : string.Create(CultureInfo.InvariantCulture, $" {seconds * 1e6:0}us/step");

    /// <summary>Keras's value format: four decimals, or scientific below 1e-3.</summary>
    public static string FormatValue(double value) => Math.Abs(value) > 1e-3
        ? value.ToString("0.0000", CultureInfo.InvariantCulture)
        : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    /// <summary>Keras's ETA: <c>5s</c>, <c>1:05</c> or <c>1:01:05</c>.</summary>
    public static string FormatEta(double seconds)
    {
        long eta = (long)seconds;
        return seconds > 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{eta / 3600}:{eta % 3600 / 60:00}:{eta % 60:00}")
            : seconds > 60
                ? string.Create(CultureInfo.InvariantCulture, $"{eta / 60}:{eta % 60:00}")
                : string.Create(CultureInfo.InvariantCulture, $"{eta}s");
    }

    /// <summary>Keras's one-line summary of a finished run: <c>47/47 - 0s - 3ms/step - loss: 0.4321</c>.</summary>
    /// <param name="steps">The number of batches.</param>
    /// <param name="seconds">The run's time.</param>
    /// <param name="logs">The values to show, in order.</param>
    public static string SummaryLine(int steps, double seconds, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var line = new StringBuilder();
        line.Append(Count(steps, steps))
            .Append(string.Create(CultureInfo.InvariantCulture, $" - {seconds:0}s -"))
            .Append(FormatTimePerStep(steps > 0 ? seconds / steps : 0));
        AppendValues(line, logs);
        return line.ToString();
    }

    private static string Count(int current, int target)
    {
        if (target <= 0)
        {
            return current.ToString(CultureInfo.InvariantCulture).PadLeft(7) + "/Unknown";   // Keras's count without a target
        }

        string digits = Math.Max(target, 1).ToString(CultureInfo.InvariantCulture);
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits.Length) + "/" + digits;
    }

    private static void AppendValues(StringBuilder info, IDictionary<string, double> logs)
    {
        foreach ((string key, double value) in logs)
        {
            info.Append(" - ").Append(key).Append(": ").Append(FormatValue(value));
        }
    }

    private void Update(int current, IDictionary<string, double> logs, bool finalize)
    {
        double now = _clock.Elapsed.TotalSeconds;
        double perStep = current > 0 ? now / current : 0;
        if (!_interactive)
        {
            _writer.WriteLine(SummaryLine(current, now, logs));
            return;
        }

        if (!finalize && now - _lastUpdate < _interval)
        {
            return;
        }

        _lastUpdate = now;
        string bar = _target > 0 ? Bar(current, _target) : Count(current, 0);
        var info = new StringBuilder();
        if (finalize)
        {
            info.Append(string.Create(CultureInfo.InvariantCulture, $" - {now:0}s")).Append(FormatTimePerStep(perStep));
        }
        else if (_target > 0)
        {
            info.Append(" - ETA: ").Append(FormatEta(perStep * (_target - current)));
        }

        AppendValues(info, logs);
        int width = bar.Length + info.Length;
        if (_previousWidth > width)
        {
            info.Append(' ', _previousWidth - width);
        }

        _previousWidth = width;
        _writer.Write('\r');
        _writer.Write(bar);
        _writer.Write(info.ToString());
        if (finalize)
        {
            _writer.WriteLine();
        }
        else
        {
            _writer.Flush();
        }
    }
}
