using System.Globalization;
using System.IO.Compression;
using Nabla;

namespace Digits;

/// <summary>
/// The UCI handwritten digits as scikit-learn ships them: one row per 8x8 image, 64 pixel values (0 to 16, row-major)
/// then the label (0 to 9), comma-separated, gzipped, no header. Pixels are scaled to [0, 1].
/// </summary>
internal sealed class DigitsData
{
    public const int Pixels = 64;
    public const int Classes = 10;
    private const string RelativePath = "data/digits/digits.csv.gz";

    private DigitsData(float[] pixels, int[] labels)
    {
        PixelValues = pixels;
        Labels = labels;
    }

    /// <summary>Row-major pixels scaled to [0, 1], <see cref="Pixels"/> per sample.</summary>
    public float[] PixelValues { get; }

    /// <summary>The digit shown by each sample.</summary>
    public int[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>
    /// The data file: <paramref name="argument"/> when given; else <c>../shared/data/digits/digits.csv.gz</c> beside the
    /// repository root (the folder holding <c>Nabla.slnx</c>, found by walking up from the program's folder), or a
    /// <c>shared/data</c> folder further up.
    /// </summary>
    public static string Locate(string? argument)
    {
        if (argument is not null)
        {
            return File.Exists(argument) ? Path.GetFullPath(argument) : throw new FileNotFoundException($"No digits file at '{argument}'.", argument);
        }

        var searched = new List<string>();
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Nabla.slnx")))
            {
                continue;
            }

            // The repository root: the data lies in ../shared; a worktree nested deeper finds it further up.
            for (DirectoryInfo? up = dir; up is not null; up = up.Parent)
            {
                string candidate = Path.Combine(up.FullName, "shared", RelativePath);
                searched.Add(candidate);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            break;
        }

        throw new FileNotFoundException(
            $"The digits data set was not found (looked for {string.Join(", ", searched)}; no Nabla.slnx above {AppContext.BaseDirectory}?). Pass its path as an argument.");
    }

    /// <summary>Reads and validates the gzipped CSV.</summary>
    public static DigitsData Load(string path)
    {
        var pixels = new List<float>();
        var labels = new List<int>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        int line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            string[] fields = text.Split(',');
            if (fields.Length != Pixels + 1)
            {
                throw new InvalidDataException($"{path} line {line}: expected {Pixels + 1} comma-separated values, got {fields.Length}.");
            }

            for (int i = 0; i < Pixels; i++)
            {
                double value = double.Parse(fields[i], CultureInfo.InvariantCulture);
                if (value is < 0 or > 16)
                {
                    throw new InvalidDataException($"{path} line {line}: pixel {i} is {value}, outside 0..16.");
                }

                pixels.Add((float)(value / 16.0));
            }

            int label = (int)double.Parse(fields[Pixels], CultureInfo.InvariantCulture);
            if (label is < 0 or >= Classes)
            {
                throw new InvalidDataException($"{path} line {line}: label {label} is outside 0..9.");
            }

            labels.Add(label);
        }

        return new DigitsData([.. pixels], [.. labels]);
    }

    /// <summary>A seeded shuffle, then the last <paramref name="testFraction"/> of the samples as the test set.</summary>
    public (DigitsData Train, DigitsData Test) Split(double testFraction, int seed)
    {
        int[] order = [.. Enumerable.Range(0, Count)];
        new Random(seed).Shuffle(order);
        int testCount = (int)Math.Round(Count * testFraction);
        return (Subset(order[..^testCount]), Subset(order[^testCount..]));
    }

    /// <summary>The first <paramref name="count"/> samples (for a quick run).</summary>
    public DigitsData Take(int count) => Subset([.. Enumerable.Range(0, Math.Min(count, Count))]);

    /// <summary>The images as a float32 tensor: (n, 64) flat, or (n, 8, 8, 1) for a convolutional network.</summary>
    public Tensor Images(bool asImages = false) =>
        Tf.Constant(PixelValues, asImages ? new Shape(Count, 8, 8, 1) : new Shape(Count, Pixels));

    /// <summary>The labels as an int32 tensor of shape (n,).</summary>
    public Tensor LabelTensor() => Tf.Constant(Labels, new Shape(Count));

    private DigitsData Subset(int[] indices)
    {
        var pixels = new float[indices.Length * Pixels];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            PixelValues.AsSpan(indices[i] * Pixels, Pixels).CopyTo(pixels.AsSpan(i * Pixels));
            labels[i] = Labels[indices[i]];
        }

        return new DigitsData(pixels, labels);
    }
}
