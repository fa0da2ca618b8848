namespace Nabla.Benchmarks.Workloads;

/// <summary>Seeded input data shared by both libraries, so each case computes on the same numbers.</summary>
public static class Data
{
    /// <summary>16M elements: the size of the elementwise and reduction cases.</summary>
    public const int Large = 16 * 1024 * 1024;

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
