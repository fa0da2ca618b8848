namespace Nabla.Benchmarks.Workloads;

/// <summary>Seeded input data shared by both libraries, so each case computes on the same numbers.</summary>
public static class InputData
{
    /// <summary>16M elements: the size of the elementwise and reduction cases.</summary>
    public const int Large = 16 * 1024 * 1024;

    private static readonly Dictionary<int, float[]> s_large = [];

    /// <summary>
    /// The 16M-element inputs of seed 1 or 2 in [-1, 1), generated once per process (the in-process smoke
    /// run sets up a dozen cases with them). Callers copy them into tensors and never write to them.
    /// </summary>
    public static float[] LargeUniform(int seed)
    {
        lock (s_large)
        {
            if (!s_large.TryGetValue(seed, out float[]? values))
            {
                values = Uniform(Large, seed);
                s_large[seed] = values;
            }

            return values;
        }
    }

    /// <summary>Uniform floats in [low, high) from a fixed seed.</summary>
    public static float[] Uniform(int count, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }

    /// <summary>Integer labels in [0, classes) from a fixed seed.</summary>
    public static long[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var values = new long[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(classes);
        }

        return values;
    }
}
