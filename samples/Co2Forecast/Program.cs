// Forecasts the next 52 weeks of the Mauna Loa CO2 record with an LSTM and a small Transformer encoder trained on windows
// made by Nabla.Data, scores them on the last five years (held out) against the two baselines, and plots the forecasts
// against the truth.
//
//   dotnet run -c Release --project samples/Co2Forecast [-- [--quick] [--out DIR] [path/to/co2.csv]]
//
// --quick (or CO2_QUICK=1) trains for one short epoch, for CI: it checks the pipeline runs end to end, not the errors.
using System.Diagnostics;
using System.Globalization;
using Co2Forecast;
using Nabla;
using Nabla.Data;
using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

bool quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("CO2_QUICK") == "1";
string outDir = Path.Combine("artifacts", "co2forecast");   // git-ignored when run from the repository root
string? dataArgument = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outDir = args[++i];
    }
    else if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        dataArgument = args[i];
    }
}

Directory.CreateDirectory(outDir);
string dataPath = Co2Series.Locate(dataArgument);
Co2Series series = Co2Series.Load(dataPath);
const int TestWeeks = 5 * 52;
int testStart = series.Count - TestWeeks;   // the first held-out week
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Loaded {series.Count} weeks ({series.Years[0]:F1} to {series.Years[^1]:F1}, {series.GapCount} gaps filled) from {dataPath}."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Held out: the last {TestWeeks} weeks (from {series.Years[testStart]:F1}); forecasts of {Windows.Horizon} weeks from {Windows.History} weeks of history."));

// Training windows lie wholly before the held-out years; test windows' targets lie wholly inside them (their inputs
// may reach back before, as a forecaster's history does).
const int BatchSize = 64;
int epochs = quick ? 1 : 30;
Dataset<(Tensor Input, Tensor Target)> train = Windows.Training(series.Values, 0, testStart, BatchSize, seed: 7);
if (quick)
{
    train = train.Take(8);
}

Dataset<(Tensor Input, Tensor Target)> test = Windows.Make(series.Values, testStart - Windows.History, series.Count).Batch(128);
int firstOrigin = testStart - 1;
int trainWindows = Windows.Count(testStart);
Console.WriteLine($"{trainWindows} training windows in batches of {BatchSize}{(quick ? " (quick: 8 batches)" : "")}; {Windows.Count(TestWeeks + Windows.History)} test forecasts.");

// The LSTM, then the small Transformer encoder, each trained on the same pipeline from its own seed.
float[][] Train(string name, Func<Model> build, double learningRate)
{
    Backend.ClearSession();
    Tf.Random.SetSeed(1);
    Model model = build();
    model.Compile(new Adam(learningRate: learningRate), new MeanSquaredError());
    var clock = Stopwatch.StartNew();
    History history = model.Fit(train, epochs: epochs, verbose: 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s (final loss {history.Loss[^1]:F4})."));
    return Windows.ToPpm(model.Predict(test), series.Values, firstOrigin);
}

float[][] lstm = Train("LSTM(32)", () => new Sequential(
    new LSTM(32, inputShape: [Windows.Steps, Windows.WeeksPerStep]),
    new Dense(Windows.Horizon)), learningRate: 0.003);
float[][] transformer = Train("Transformer encoder", () => new TransformerForecaster(), learningRate: 0.001);
float[][] lastValue = [.. Enumerable.Range(firstOrigin, lstm.Length).Select(o => Scoring.LastValue(series.Values, o))];
float[][] lastYear = [.. Enumerable.Range(firstOrigin, lstm.Length).Select(o => Scoring.SameWeekLastYear(series.Values, o))];
Errors[] results =
[
    Scoring.Score("LSTM(32)", lstm, series, firstOrigin),
    Scoring.Score("last value", lastValue, series, firstOrigin),
    Scoring.Score("same week last year", lastYear, series, firstOrigin),
    Scoring.Score("Transformer encoder", transformer, series, firstOrigin),
];

Console.WriteLine();
Console.WriteLine($"Test errors over {lstm.Length} forecasts of {Windows.Horizon} weeks ({results[0].Scored} measured weeks scored), ppmv:");
Console.WriteLine("| method | MAE | RMSE |");
Console.WriteLine("|---|---|---|");
foreach (Errors e in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Method} | {e.Mae:F3} | {e.Rmse:F3} |"));
}

string plotPath = Path.Combine(outDir, "co2-forecast.png");
ForecastPlot.Save(plotPath, series, firstOrigin, lstm, transformer, lastYear);
Console.WriteLine($"Wrote the forecasts against the truth to {Path.GetFullPath(plotPath)}");

bool beatsBoth = results[0].Mae < results[1].Mae && results[0].Mae < results[2].Mae;
bool transformerBeatsBoth = results[3].Mae < results[1].Mae && results[3].Mae < results[2].Mae;
Console.WriteLine($"The Transformer encoder {(transformerBeatsBoth ? "beats" : "does not beat")} both baselines.");
Console.WriteLine(beatsBoth ? "The LSTM beats both baselines."
    : quick ? "The LSTM does not beat both baselines yet (expected after one short epoch: --quick checks only that the pipeline runs)."
    : "The LSTM does NOT beat both baselines.");
// The quick run only checks that the whole pipeline ran: finite errors and a plot; the full run must beat the baselines.
bool ran = results.All(e => double.IsFinite(e.Mae) && double.IsFinite(e.Rmse)) && File.Exists(plotPath);
return ran && (quick || beatsBoth) ? 0 : 1;
