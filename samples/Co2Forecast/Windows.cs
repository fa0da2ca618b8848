using Nabla;
using Nabla.Data;

namespace Co2Forecast;

/// <summary>
/// The forecasting windows, made with <see cref="Dataset"/> as one would with <c>tf.data</c>: the weekly series is sliced
/// into overlapping windows of <see cref="History"/> + <see cref="Horizon"/> weeks (<c>Window</c> + <c>FlatMap</c>), each
/// split into the model's input (the past two years) and target (the next year), both relative to the window's last
/// known value and divided by <see cref="Scale"/>, so the network sees changes of order one whatever the CO2 level.
/// The input is read four weeks per recurrent step (26 steps of 4 features): a quarter of the sequential work of one
/// week per step, and no information lost.
/// </summary>
internal static class Windows
{
    /// <summary>Weeks of history the model reads: two yearly cycles.</summary>
    public const int History = 104;

    /// <summary>Weeks forecast: one year.</summary>
    public const int Horizon = 52;

    /// <summary>Weeks the LSTM reads per step (the features of one step).</summary>
    public const int WeeksPerStep = 4;

    /// <summary>Recurrent steps per input window.</summary>
    public const int Steps = History / WeeksPerStep;

    /// <summary>Changes are divided by this many ppmv (about the size of the yearly cycle).</summary>
    public const float Scale = 4f;

    /// <summary>
    /// Every (input, target) window whose weeks all lie in <c>values[from..to]</c>, in time order: inputs
    /// (Steps, WeeksPerStep) and targets (Horizon) relative to the last input week.
    /// </summary>
    public static Dataset<(Tensor Input, Tensor Target)> Make(float[] values, int from, int to) =>
        Dataset.FromTensorSlices(Tf.Constant(values[from..to]))
            .Window(History + Horizon, shift: 1, dropRemainder: true)
            .FlatMap(window => window.Batch(History + Horizon))   // each window's weeks as one tensor
            .Map(weeks =>
            {
                Tensor last = weeks[History - 1];
                Tensor input = Tf.Reshape((weeks[..History] - last) / Scale, [Steps, WeeksPerStep]);
                Tensor target = (weeks[History..] - last) / Scale;
                return (input, target);
            });

    /// <summary>
    /// The training pipeline: the windows computed once and cached, reshuffled every epoch from a fixed seed, batched,
    /// and prefetched so the next batch is assembled while the model trains on this one.
    /// </summary>
    public static Dataset<(Tensor Input, Tensor Target)> Training(float[] values, int from, int to, int batchSize, int seed) =>
        Make(values, from, to).Cache().Shuffle(1024, seed).Batch(batchSize).Prefetch(2);

    /// <summary>How many windows <see cref="Make"/> cuts from <paramref name="weeks"/> weeks.</summary>
    public static int Count(int weeks) => Math.Max(0, weeks - History - Horizon + 1);

    /// <summary>Model outputs (scaled changes) back to ppmv: <c>last + Scale · change</c> for each window.</summary>
    public static float[][] ToPpm(Tensor predictions, float[] values, int firstOrigin)
    {
        float[] flat = predictions.ToArray<float>();
        int count = flat.Length / Horizon;
        var forecasts = new float[count][];
        for (int k = 0; k < count; k++)
        {
            float last = values[firstOrigin + k];
            forecasts[k] = new float[Horizon];
            for (int h = 0; h < Horizon; h++)
            {
                forecasts[k][h] = last + (Scale * flat[(k * Horizon) + h]);
            }
        }

        return forecasts;
    }
}
