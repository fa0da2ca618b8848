using System.Globalization;
using System.IO.Compression;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// The UCI digits (../shared/data/digits/digits.csv.gz, 1,797 8x8 images) for training tests: pixels scaled to [0, 1],
/// read once per test run.
/// </summary>
internal static class DigitsForTests
{
    private static readonly Lazy<(float[] Pixels, int[] Labels)> s_data = new(Load);

    public static int Count => s_data.Value.Labels.Length;

    /// <summary>The first <paramref name="n"/> images as (n, 64) float32 and their labels as (n,) int32.</summary>
    public static (Tensor X, Tensor Y) Take(int n)
    {
        (float[] pixels, int[] labels) = s_data.Value;
        return (Tf.Constant(pixels[..(n * 64)], new Shape(n, 64)), Tf.Constant(labels[..n], new Shape(n)));
    }

    private static (float[] Pixels, int[] Labels) Load()
    {
        string path = Locate();
        var pixels = new List<float>();
        var labels = new List<int>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            for (int i = 0; i < 64; i++)
            {
                pixels.Add((float)(double.Parse(fields[i], CultureInfo.InvariantCulture) / 16.0));
            }

            labels.Add((int)double.Parse(fields[64], CultureInfo.InvariantCulture));
        }

        return ([.. pixels], [.. labels]);
    }

    private static string Locate()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "digits", "digits.csv.gz");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/data/digits/digits.csv.gz was not found above {AppContext.BaseDirectory}.");
    }
}
