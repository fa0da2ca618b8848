namespace Nabla.Distributed.TestWorker;

/// <summary>Assertions for scenarios: a failed one throws, which fails the rank (and, through the strategy, the job).</summary>
internal static class Check
{
    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Check failed: " + message);
        }
    }

    public static void Close(Tensor actual, double[] expected, double tolerance, string what)
    {
        double[] values = Tf.Cast(actual, DType.Float64).ToArray<double>();
        That(values.Length == expected.Length, $"{what}: {values.Length} values, expected {expected.Length}");
        for (int i = 0; i < values.Length; i++)
        {
            That(Math.Abs(values[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}] = {values[i]}, expected {expected[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>The largest absolute difference between two tensors' values.</summary>
    public static double MaxDifference(Tensor a, Tensor b)
    {
        double[] x = Tf.Cast(a, DType.Float64).ToArray<double>();
        double[] y = Tf.Cast(b, DType.Float64).ToArray<double>();
        That(x.Length == y.Length, $"sizes {x.Length} and {y.Length} differ");
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(x[i] - y[i]));
        }

        return worst;
    }

    /// <summary>A fingerprint of the exact bits of a model's weights (equal iff bitwise equal, barring collisions).</summary>
    public static long Fingerprint(IEnumerable<Tensor> variables)
    {
        long hash = 1469598103934665603;
        foreach (Tensor v in variables)
        {
            foreach (float f in Tf.Cast(v, DType.Float32).ToArray<float>())
            {
                hash = unchecked((hash ^ BitConverter.SingleToInt32Bits(f)) * 1099511628211);
            }
        }

        return hash;
    }

    /// <summary>Checks that a value is the same on every worker (by all-gathering it).</summary>
    public static void SameOnAllWorkers(MultiWorkerMirroredStrategy strategy, long value, string what)
    {
        long[] all = strategy.AllGather(Tf.Constant(new[] { value })).ToArray<long>();
        foreach (long v in all)
        {
            That(v == all[0], $"{what} differs between workers: {string.Join(", ", all)}");
        }
    }
}
