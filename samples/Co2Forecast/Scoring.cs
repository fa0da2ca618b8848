namespace Co2Forecast;

/// <summary>A forecaster's errors over the held-out weeks, in ppmv.</summary>
internal sealed record Errors(string Method, double Mae, double Rmse, int Scored);

/// <summary>
/// The two baselines a forecaster checks first, and the scoring. A forecast made at origin week <c>o</c> (the last
/// week known) covers weeks <c>o + 1 .. o + 52</c>; only measured weeks are scored (interpolated ones are not truth).
/// </summary>
internal static class Scoring
{
    /// <summary>Every week of the coming year is the last known value.</summary>
    public static float[] LastValue(float[] values, int origin) => [.. Enumerable.Repeat(values[origin], Windows.Horizon)];

    /// <summary>Each week is the same week one year (52 weeks) earlier: the yearly cycle, without the trend.</summary>
    public static float[] SameWeekLastYear(float[] values, int origin) => values[(origin + 1 - 52)..(origin + 1 - 52 + Windows.Horizon)];

    /// <summary>Mean absolute and root-mean-square errors of forecasts made at <paramref name="firstOrigin"/>, the next week, ...</summary>
    public static Errors Score(string method, IReadOnlyList<float[]> forecasts, Co2Series series, int firstOrigin)
    {
        double absolute = 0;
        double squared = 0;
        int scored = 0;
        for (int k = 0; k < forecasts.Count; k++)
        {
            for (int h = 0; h < Windows.Horizon; h++)
            {
                int week = firstOrigin + k + 1 + h;
                if (!series.Measured[week])
                {
                    continue;
                }

                double error = forecasts[k][h] - series.Values[week];
                absolute += Math.Abs(error);
                squared += error * error;
                scored++;
            }
        }

        return new Errors(method, absolute / scored, Math.Sqrt(squared / scored), scored);
    }
}
