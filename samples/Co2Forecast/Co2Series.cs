using System.Globalization;
using Nabla;
using Nabla.Data;

namespace Co2Forecast;

/// <summary>
/// The Mauna Loa weekly CO2 record (March 1958 to December 2001, ppmv), read with <see cref="Dataset.FromCsv(string, IReadOnlyList{CsvColumn}?, bool, IReadOnlyList{string}?, IReadOnlyList{string}?, char, bool, string, int)"/>.
/// Weeks without a measurement are filled by linear interpolation between the nearest measured weeks (what a
/// forecaster feeds a model), and remembered, so that errors are scored only on weeks that were measured.
/// </summary>
internal sealed class Co2Series
{
    private const string RelativePath = "data/co2/co2.csv";

    private Co2Series(double[] years, float[] values, bool[] measured)
    {
        Years = years;
        Values = values;
        Measured = measured;
    }

    /// <summary>Each week's date as a fractional year (1958.24 is late March 1958), for plotting.</summary>
    public double[] Years { get; }

    /// <summary>Each week's CO2 in ppmv, gaps filled.</summary>
    public float[] Values { get; }

    /// <summary>Whether the week was measured (false: the value was interpolated).</summary>
    public bool[] Measured { get; }

    public int Count => Values.Length;

    public int GapCount => Measured.Count(m => !m);

    /// <summary>
    /// The data file: <paramref name="argument"/> when given; else <c>shared/data/co2/co2.csv</c> in the folder holding
    /// the repository (found by walking up from the program's folder to <c>Nabla.slnx</c>) or any folder above it.
    /// </summary>
    public static string Locate(string? argument)
    {
        if (argument is not null)
        {
            return File.Exists(argument) ? Path.GetFullPath(argument) : throw new FileNotFoundException($"No CO2 file at '{argument}'.", argument);
        }

        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nabla.slnx")))
        {
            dir = dir.Parent;
        }

        for (DirectoryInfo? up = dir; up is not null; up = up.Parent)
        {
            string candidate = Path.Combine(up.FullName, "shared", RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/{RelativePath} was not found above {AppContext.BaseDirectory}. Pass its path as an argument.");
    }

    /// <summary>Reads the CSV (columns <c>date</c> as YYYYMMDD, <c>co2</c> possibly empty) and fills the gaps.</summary>
    public static Co2Series Load(string path)
    {
        // An empty co2 field becomes NaN (the column's default), which marks the week as a gap.
        Dataset<IReadOnlyDictionary<string, Tensor>> records = Dataset.FromCsv(path, [CsvColumn.Int32, new CsvColumn(DType.Float32, double.NaN)]);
        var years = new List<double>();
        var values = new List<float>();
        foreach (IReadOnlyDictionary<string, Tensor> record in records)
        {
            years.Add(FractionalYear(record["date"].Item<int>()));
            values.Add(record["co2"].Item<float>());
        }

        float[] filled = [.. values];
        bool[] measured = [.. filled.Select(v => !float.IsNaN(v))];
        FillGaps(filled, measured);
        return new Co2Series([.. years], filled, measured);
    }

    private static double FractionalYear(int yyyymmdd)
    {
        var date = DateTime.ParseExact(yyyymmdd.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        return date.Year + ((date.DayOfYear - 1) / (DateTime.IsLeapYear(date.Year) ? 366.0 : 365.0));
    }

    // Linear interpolation across each run of missing weeks; a run at either end takes the nearest measured value.
    private static void FillGaps(float[] values, bool[] measured)
    {
        if (!measured.Contains(true))
        {
            throw new InvalidDataException("The CO2 file holds no measured week.");
        }

        int previous = -1;
        for (int i = 0; i <= values.Length; i++)
        {
            if (i < values.Length && !measured[i])
            {
                continue;
            }

            for (int gap = previous + 1; gap < i; gap++)
            {
                values[gap] = previous < 0 ? values[i]
                    : i == values.Length ? values[previous]
                    : values[previous] + ((values[i] - values[previous]) * (gap - previous) / (i - previous));
            }

            previous = i;
        }
    }
}
