namespace Nabla.Data;

public abstract partial class Dataset<T>
{
    /// <summary>
    /// Keeps the elements in memory (TensorFlow's in-memory <c>cache()</c>): the first iteration that runs to the end
    /// stores them and later iterations read the store instead of recomputing the input (a <c>Map</c> before the cache
    /// runs once). An iteration stopped early stores nothing, so the next one reads the input again. Put a
    /// <c>Shuffle</c> after the cache to reshuffle every epoch.
    /// </summary>
    public Dataset<T> Cache()
    {
        var cache = new ElementCache<T>();
        return new IteratorDataset<T>(() => cache.Iterate(this), () => cache.Count ?? Cardinality());
    }
}

/// <summary>The store of one <c>Cache()</c>: published once, by the first complete iteration.</summary>
internal sealed class ElementCache<T>
{
    private volatile T[]? _elements;

    public long? Count => _elements?.LongLength;

    public IEnumerator<T> Iterate(Dataset<T> input) => _elements is { } stored ? ((IEnumerable<T>)stored).GetEnumerator() : Fill(input);

    private IEnumerator<T> Fill(Dataset<T> input)
    {
        var elements = new List<T>();
        foreach (T item in input)
        {
            elements.Add(item);
            yield return item;
        }

        // Iterations running side by side each collect the whole input; the first to finish publishes.
        Interlocked.CompareExchange(ref _elements, [.. elements], null);
    }
}
