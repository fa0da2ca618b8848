using System.Globalization;
using System.Text.RegularExpressions;
using Nabla.Keras.Distribute;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Saves the model's weights at the end of epochs (Keras's <c>ModelCheckpoint</c> with
/// <c>save_weights_only=True</c>). The path may hold Keras's placeholders: <c>{epoch}</c> or <c>{epoch:02d}</c>
/// (1-based) and any logs key such as <c>{val_loss:.2f}</c>. With <see cref="SaveBestOnly"/> it saves only when
/// the monitored metric improves. By default the weights are written with <see cref="WeightsFile.SaveWeights"/>
/// (safetensors), so <see cref="WeightsFile.LoadWeights"/> restores them. Each file is written to a temporary name
/// and renamed, so a crash mid-write never leaves a torn checkpoint; under a distribution strategy only the chief writes.
/// </summary>
public sealed partial class ModelCheckpoint : Callback
{
    private readonly bool _maximize;
    private readonly Action<Model, string> _save;

    /// <summary>Creates the callback.</summary>
    /// <param name="filepath">Where to save; may contain <c>{epoch:02d}</c>-style placeholders.</param>
    /// <param name="monitor">The logs key compared when <paramref name="saveBestOnly"/>.</param>
    /// <param name="saveBestOnly">Whether to save only on improvement.</param>
    /// <param name="mode"><c>auto</c>, <c>min</c> or <c>max</c>.</param>
    /// <param name="initialValueThreshold">A value the metric must beat for the first save.</param>
    /// <param name="verbose">Whether to print each save.</param>
    /// <param name="save">How to write the weights; by default <see cref="WeightsFile.SaveWeights"/> (safetensors).</param>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", bool saveBestOnly = false, string mode = "auto",
        double? initialValueThreshold = null, int verbose = 0, Action<Model, string>? save = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        Filepath = filepath;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        Verbose = verbose;
        _maximize = MonitorRules.Maximize("ModelCheckpoint", monitor, mode);
        Best = initialValueThreshold ?? (_maximize ? double.NegativeInfinity : double.PositiveInfinity);
        _save = save ?? WeightsFile.SaveWeights;
    }

    /// <summary>The path template.</summary>
    public string Filepath { get; }

    /// <summary>The logs key compared.</summary>
    public string Monitor { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether each save is printed.</summary>
    public int Verbose { get; }

    /// <summary>The best monitored value so far.</summary>
    public double Best { get; private set; }

    /// <summary>The paths written, in order.</summary>
    public IList<string> SavedPaths { get; } = [];

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Model model = RequireModel();
        string path = FormatPath(Filepath, epoch, logs);
        if (SaveBestOnly)
        {
            double current = MonitorRules.Read("ModelCheckpoint", Monitor, logs);
            if (!(_maximize ? current > Best : current < Best))
            {
                return;
            }

            if (Verbose > 0)
            {
                model.ProgressWriter?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"\nEpoch {epoch + 1}: {Monitor} improved from {Best:0.00000} to {current:0.00000}, saving model to {path}"));
            }

            Best = current;
        }
        else if (Verbose > 0)
        {
            model.ProgressWriter?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nEpoch {epoch + 1}: saving model to {path}"));
        }

        // Under a distribution strategy every worker holds the same weights: only the chief writes them.
        if ((model.DistributeStrategy ?? Distribution.Current) is { WorkerIndex: not 0 })
        {
            return;
        }

        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        WriteAtomically(path, temporary => _save(model, temporary));
        SavedPaths.Add(path);
    }

    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file beside <paramref name="path"/>, then renames it
    /// over <paramref name="path"/>: a job killed while writing leaves the previous file whole, never a torn one.
    /// </summary>
    internal static void WriteAtomically(string path, Action<string> write)
    {
        // The temporary name ends like the real one, so a writer that picks the format by extension picks the same.
        string temporary = Path.Combine(Path.GetDirectoryName(path) ?? string.Empty, $".tmp{Environment.ProcessId}-{Path.GetFileName(path)}");
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Fills Keras's placeholders: <c>{epoch}</c>/<c>{epoch:02d}</c> with the 1-based epoch, <c>{key:.4f}</c> with a logs value.</summary>
    /// <exception cref="ArgumentException">When a placeholder names no logs key.</exception>
    public static string FormatPath(string template, int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(logs);
        return Placeholder().Replace(template, match =>
        {
            string key = match.Groups[1].Value;
            string spec = match.Groups[2].Success ? match.Groups[2].Value : string.Empty;
            double value;
            if (key == "epoch")
            {
                value = epoch + 1;
            }
            else if (!logs.TryGetValue(key, out value))
            {
                throw new ArgumentException(
                    $"ModelCheckpoint: the path '{template}' names '{key}', which is not in the logs (available: epoch, {string.Join(", ", logs.Keys)}).",
                    nameof(template));
            }

            return FormatValue(value, spec, key == "epoch");
        });
    }

    private static string FormatValue(double value, string spec, bool integer)
    {
        Match m = FormatSpec().Match(spec);
        if (spec.Length == 0 || !m.Success)
        {
            return integer ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
        }

        int width = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        string text = m.Groups[3].Value switch
        {
            "d" => ((long)value).ToString(CultureInfo.InvariantCulture),
            "e" => value.ToString(
                "0." + new string('0', m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 6) + "e+00",
                CultureInfo.InvariantCulture),
            _ => value.ToString("F" + (m.Groups[2].Success ? m.Groups[2].Value : "6"), CultureInfo.InvariantCulture),
        };
        bool zeroPad = m.Groups[0].Value.StartsWith('0');
        return text.PadLeft(width, zeroPad ? '0' : ' ');
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^0?(\d+)?(?:\.(\d+))?([dfe])$", RegexOptions.CultureInvariant)]
    private static partial Regex FormatSpec();
}
