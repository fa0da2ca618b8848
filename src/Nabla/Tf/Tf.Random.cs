namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Random numbers (TensorFlow's <c>tf.random</c>), from a Philox4x32-10 counter-based generator keyed by the
    /// global seed, the op seed and a per-(seed pair) call counter, following TensorFlow's seed rules: with
    /// <see cref="SetSeed"/> the same program gives the same numbers on every run; an op seed without a global
    /// seed uses a fixed default global seed; with neither, the numbers are unpredictable.
    /// </summary>
    public static partial class Random
    {
        /// <summary>Sets the global seed and restarts the op-seed and call counters (TensorFlow's <c>tf.random.set_seed</c>).</summary>
        public static void SetSeed(int seed) => RandomSeeds.SetGlobal(seed);
    }
}

/// <summary>TensorFlow's global/op seed rules, turned into a Philox key and stream.</summary>
internal static class RandomSeeds
{
    /// <summary>TensorFlow's DEFAULT_GRAPH_SEED, used when only an op seed is given.</summary>
    private const int DefaultGlobalSeed = 87654321;

    private static readonly object s_lock = new();
    private static readonly Dictionary<(int Global, int Op), ulong> s_calls = [];
    private static int? s_globalSeed;
    private static int s_opCounter;

    public static void SetGlobal(int seed)
    {
        lock (s_lock)
        {
            s_globalSeed = seed;
            s_opCounter = 0;
            s_calls.Clear();
        }
    }

    /// <summary>The key (global and op seed) and stream (the call count for that pair) for one random op call.</summary>
    public static (ulong Key, ulong Stream) Next(int? opSeed)
    {
        lock (s_lock)
        {
            if (s_globalSeed is null && opSeed is null)
            {
                Span<byte> bytes = stackalloc byte[8];
                System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
                return (BitConverter.ToUInt64(bytes), 0);
            }

            int global = s_globalSeed ?? DefaultGlobalSeed;
            int op = opSeed ?? s_opCounter++;
            s_calls.TryGetValue((global, op), out ulong calls);
            s_calls[(global, op)] = calls + 1;
            return ((uint)global | ((ulong)(uint)op << 32), calls);
        }
    }
}
