namespace Nabla.Data;

public abstract partial class Dataset<T>
{
    /// <summary>
    /// Shuffles with a buffer of <paramref name="bufferSize"/> elements, as TensorFlow's <c>shuffle</c>: the buffer is
    /// filled with the next elements, each output is drawn uniformly from it and its place is refilled from the input,
    /// so an element can move at most <c>bufferSize - 1</c> places earlier; a buffer at least as long as the dataset
    /// gives a uniform permutation. With <paramref name="reshuffleEachIteration"/> every iteration (every epoch, every
    /// pass of a later <c>Repeat</c>) draws a new order; the sequence of orders is fixed by <paramref name="seed"/>
    /// (without a seed, one is drawn from <see cref="Tf.Random"/>, so <c>Tf.Random.SetSeed</c> makes it reproducible).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bufferSize"/> is not positive.</exception>
    public Dataset<T> Shuffle(int bufferSize, int? seed = null, bool reshuffleEachIteration = true)
    {
        if (bufferSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "Shuffle: bufferSize must be greater than zero.");
        }

        int baseSeed = seed ?? DrawSeed();
        int iterations = 0;
        return new IteratorDataset<T>(() =>
        {
            int iteration = reshuffleEachIteration ? Interlocked.Increment(ref iterations) - 1 : 0;
            return ShuffleIterator(this, bufferSize, IterationSeed(baseSeed, iteration));
        }, Cardinality);
    }

    /// <summary>A seed drawn from <see cref="Tf.Random"/> (deterministic under a global seed), as Keras's <c>Fit</c> draws its own.</summary>
    internal static int DrawSeed() => (int)Tf.Random.Uniform([], 0, int.MaxValue, DType.Float64).Item<double>();

    /// <summary>The seed of one iteration: the base seed and the iteration's number mixed by SplitMix64's finalizer.</summary>
    internal static int IterationSeed(int baseSeed, int iteration)
    {
        ulong z = ((ulong)(uint)baseSeed << 32) | (uint)iteration;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    // TensorFlow's ring buffer: draw a random offset among the buffered elements, yield that element, move the oldest
    // one into its place, then refill at the end from the input.
    private static IEnumerator<T> ShuffleIterator(Dataset<T> input, int bufferSize, int seed)
    {
        var random = new Random(seed);
        using IEnumerator<T> source = input.GetEnumerator();
        var ring = new T[Math.Min(bufferSize, 1024)];
        int start = 0;
        int count = 0;
        bool exhausted = false;
        while (true)
        {
            while (!exhausted && count < bufferSize)
            {
                if (!source.MoveNext())
                {
                    exhausted = true;
                    break;
                }

                if (count == ring.Length)
                {
                    ring = Grow(ring, start, count, bufferSize);
                    start = 0;
                }

                ring[(start + count) % ring.Length] = source.Current;
                count++;
            }

            if (count == 0)
            {
                yield break;
            }

#pragma warning disable CA5394 // A seeded shuffle, not a security feature.
            int index = (start + random.Next(count)) % ring.Length;
#pragma warning restore CA5394
            T item = ring[index];
            ring[index] = ring[start];
            ring[start] = default!;
            start = (start + 1) % ring.Length;
            count--;
            yield return item;
        }
    }

    // The ring grows with the elements actually buffered (a large bufferSize over a short dataset costs only its length).
    private static T[] Grow(T[] ring, int start, int count, int bufferSize)
    {
        var grown = new T[(int)Math.Min(bufferSize, 2L * ring.Length)];
        for (int i = 0; i < count; i++)
        {
            grown[i] = ring[(start + i) % ring.Length];
        }

        return grown;
    }
}
