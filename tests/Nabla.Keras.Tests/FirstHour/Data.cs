namespace FirstHour;

/// <summary>
/// A small seeded data set as a TensorFlow user has it in NumPy: C# arrays of doubles (C#'s default number type) and
/// int labels. Three classes of points in 4-D around separated centres, so a small model learns them in a few epochs.
/// </summary>
internal static class Data
{
    public static (double[,] X, int[] Y) Blobs(int samples, int seed)
    {
        var random = new Random(seed);
        var x = new double[samples, 4];
        var y = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            int label = i % 3;
            y[i] = label;
            for (int j = 0; j < 4; j++)
            {
                double centre = j == label ? 2.0 : -1.0;
                x[i, j] = centre + ((random.NextDouble() - 0.5) * 1.5);
            }
        }

        return (x, y);
    }
}
