using System.Collections;

namespace Nabla.Data;

/// <summary>
/// A lazy, re-iterable sequence of elements (TensorFlow's <c>tf.data.Dataset</c>): each <c>foreach</c> is a fresh
/// iteration that pulls elements through the pipeline one at a time, so memory stays bounded by the buffers asked for
/// (<c>Shuffle</c>, <c>Prefetch</c>, <c>Batch</c>, <c>Cache</c>). Elements are tensors, tuples (<c>(Tensor, Tensor)</c>,
/// nested, named or not) or dictionaries of tensors; see <see cref="TensorStructure{T}"/>. Made by the static
/// <see cref="Dataset"/> class (<c>FromTensorSlices</c>, <c>Range</c>, <c>FromGenerator</c>, <c>FromCsv</c>, ...).
/// </summary>
/// <remarks>
/// Iterators of <c>Prefetch</c> and parallel <c>Map</c> own background threads: <c>foreach</c> (or <c>Dispose</c>)
/// stops and joins them, and an iterator dropped without disposing stops them when it is collected.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public abstract partial class Dataset<T> : IEnumerable<T>
{
    /// <summary>Creates a dataset; derive to write a source of your own (or use <see cref="Dataset.FromGenerator{T}"/>).</summary>
    protected Dataset()
    {
    }

    /// <summary>Starts a new iteration over the elements.</summary>
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The number of elements when it is known without iterating, <see cref="Dataset.InfiniteCardinality"/> for an
    /// endless dataset, or <see cref="Dataset.UnknownCardinality"/> (TensorFlow's <c>cardinality()</c>).
    /// </summary>
    public abstract long Cardinality();

    /// <summary>
    /// Applies <paramref name="function"/> to each element (TensorFlow's <c>map</c>). With
    /// <paramref name="numParallelCalls"/> above 1 (or <see cref="Dataset.Autotune"/>: one per core) the calls run on
    /// that many threads, at most that many elements ahead of the consumer, and the output keeps the input order.
    /// A call that throws surfaces as a <see cref="DatasetFunctionException"/> naming the element's index.
    /// </summary>
    public Dataset<TResult> Map<TResult>(Func<T, TResult> function, int numParallelCalls = 1)
    {
        ArgumentNullException.ThrowIfNull(function);
        int threads = ParallelCalls(numParallelCalls);
        return threads == 1
            ? new IteratorDataset<TResult>(() => MapSequential(this, function), Cardinality)
            : new ParallelMapDataset<T, TResult>(this, function, threads);
    }

    /// <summary>
    /// Applies a function returning a pair; the pair's structure is registered, so the result can be batched
    /// (see <see cref="Map{TResult}"/>).
    /// </summary>
    public Dataset<(T1, T2)> Map<T1, T2>(Func<T, (T1, T2)> function, int numParallelCalls = 1)
    {
        TensorStructure.Register<T1, T2>();
        return Map<(T1, T2)>(function, numParallelCalls);
    }

    /// <summary>Applies a function returning a triple (see <see cref="Map{TResult}"/>).</summary>
    public Dataset<(T1, T2, T3)> Map<T1, T2, T3>(Func<T, (T1, T2, T3)> function, int numParallelCalls = 1)
    {
        TensorStructure.Register<T1, T2, T3>();
        return Map<(T1, T2, T3)>(function, numParallelCalls);
    }

    /// <summary>The elements for which <paramref name="predicate"/> is true (TensorFlow's <c>filter</c>).</summary>
    public Dataset<T> Filter(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new IteratorDataset<T>(() => FilterIterator(this, predicate),
            () => Cardinality() == Dataset.InfiniteCardinality ? Dataset.InfiniteCardinality : Dataset.UnknownCardinality);
    }

    /// <summary>
    /// Maps each element to a sequence and concatenates them (TensorFlow's <c>flat_map</c>), e.g.
    /// <c>windows.FlatMap(w =&gt; w.Batch(size))</c>.
    /// </summary>
    public Dataset<TResult> FlatMap<TResult>(Func<T, IEnumerable<TResult>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new IteratorDataset<TResult>(() => FlatMapIterator(this, function), () => Dataset.UnknownCardinality);
    }

    /// <summary>The first <paramref name="count"/> elements (all when -1) (TensorFlow's <c>take</c>).</summary>
    public Dataset<T> Take(long count)
    {
        CheckCount("Take", count);
        return new IteratorDataset<T>(() => TakeIterator(this, count), () =>
        {
            long n = Cardinality();
            return count < 0 ? n : n == Dataset.InfiniteCardinality ? count : n == Dataset.UnknownCardinality ? n : Math.Min(n, count);
        });
    }

    /// <summary>Every element after the first <paramref name="count"/> (none when -1) (TensorFlow's <c>skip</c>).</summary>
    public Dataset<T> Skip(long count)
    {
        CheckCount("Skip", count);
        return new IteratorDataset<T>(() => SkipIterator(this, count), () =>
        {
            long n = Cardinality();
            return n < 0 ? (count < 0 && n == Dataset.InfiniteCardinality ? 0 : n) : count < 0 ? 0 : Math.Max(0, n - count);
        });
    }

    /// <summary>
    /// The elements <paramref name="count"/> times over, or endlessly when -1 (TensorFlow's <c>repeat</c>). Each
    /// pass is a new iteration of the input, so a <c>Shuffle</c> before it reshuffles. An empty input ends the repeat.
    /// </summary>
    public Dataset<T> Repeat(long count = -1)
    {
        CheckCount("Repeat", count);
        return new IteratorDataset<T>(() => RepeatIterator(this, count), () =>
        {
            long n = Cardinality();
            return n == 0 || count == 0 ? 0 : count < 0 || n == Dataset.InfiniteCardinality ? Dataset.InfiniteCardinality
                : n == Dataset.UnknownCardinality ? n : n * count;
        });
    }

    /// <summary>This dataset's elements, then <paramref name="other"/>'s (TensorFlow's <c>concatenate</c>).</summary>
    public Dataset<T> Concatenate(Dataset<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new IteratorDataset<T>(() => ConcatenateIterator(this, other), () =>
        {
            long a = Cardinality(), b = other.Cardinality();
            return a == Dataset.InfiniteCardinality || b == Dataset.InfiniteCardinality ? Dataset.InfiniteCardinality
                : a < 0 || b < 0 ? Dataset.UnknownCardinality : a + b;
        });
    }

    /// <summary>Pairs of this dataset's and <paramref name="other"/>'s elements, as long as both last (TensorFlow's <c>zip</c>).</summary>
    public Dataset<(T, TOther)> Zip<TOther>(Dataset<TOther> other) => Dataset.Zip(this, other);

    /// <summary>Pairs of a running index (from 0) and each element (TensorFlow's <c>enumerate</c>, with a C# index).</summary>
    public Dataset<(long Index, T Element)> Enumerate() =>
        new IteratorDataset<(long, T)>(() => EnumerateIterator(this), Cardinality);

    private static int ParallelCalls(int numParallelCalls) =>
        numParallelCalls == Dataset.Autotune ? Environment.ProcessorCount
        : numParallelCalls >= 1 ? numParallelCalls
        : throw new ArgumentOutOfRangeException(nameof(numParallelCalls), numParallelCalls,
            "Map: numParallelCalls must be positive or Dataset.Autotune.");

    private static void CheckCount(string operation, long count)
    {
        if (count < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{operation}: count must be -1 (all) or non-negative.");
        }
    }

    private static IEnumerator<TResult> MapSequential<TResult>(Dataset<T> input, Func<T, TResult> function)
    {
        long index = 0;
        foreach (T item in input)
        {
            TResult result;
            try
            {
                result = function(item);
            }
            catch (Exception e)
            {
                throw new DatasetFunctionException("Map", index, e);
            }

            yield return result;
            index++;
        }
    }

    private static IEnumerator<T> FilterIterator(Dataset<T> input, Func<T, bool> predicate)
    {
        long index = 0;
        foreach (T item in input)
        {
            bool keep;
            try
            {
                keep = predicate(item);
            }
            catch (Exception e)
            {
                throw new DatasetFunctionException("Filter", index, e);
            }

            if (keep)
            {
                yield return item;
            }

            index++;
        }
    }

    private static IEnumerator<TResult> FlatMapIterator<TResult>(Dataset<T> input, Func<T, IEnumerable<TResult>> function)
    {
        long index = 0;
        foreach (T item in input)
        {
            IEnumerable<TResult> inner;
            try
            {
                inner = function(item) ?? throw new InvalidOperationException("the function returned null.");
            }
            catch (Exception e)
            {
                throw new DatasetFunctionException("FlatMap", index, e);
            }

            foreach (TResult result in inner)
            {
                yield return result;
            }

            index++;
        }
    }

    private static IEnumerator<T> TakeIterator(Dataset<T> input, long count)
    {
        if (count == 0)
        {
            yield break;
        }

        long taken = 0;
        foreach (T item in input)
        {
            yield return item;
            if (++taken == count)
            {
                yield break;
            }
        }
    }

    private static IEnumerator<T> SkipIterator(Dataset<T> input, long count)
    {
        if (count < 0)
        {
            yield break;
        }

        long seen = 0;
        foreach (T item in input)
        {
            if (seen++ >= count)
            {
                yield return item;
            }
        }
    }

    private static IEnumerator<T> RepeatIterator(Dataset<T> input, long count)
    {
        for (long pass = 0; count < 0 || pass < count; pass++)
        {
            bool any = false;
            foreach (T item in input)
            {
                any = true;
                yield return item;
            }

            if (!any)
            {
                yield break;
            }
        }
    }

    private static IEnumerator<T> ConcatenateIterator(Dataset<T> first, Dataset<T> second)
    {
        foreach (T item in first)
        {
            yield return item;
        }

        foreach (T item in second)
        {
            yield return item;
        }
    }

    private static IEnumerator<(long, T)> EnumerateIterator(Dataset<T> input)
    {
        long index = 0;
        foreach (T item in input)
        {
            yield return (index++, item);
        }
    }
}

/// <summary>A dataset defined by an iterator method and a cardinality rule: the shape of most operators.</summary>
internal sealed class IteratorDataset<T>(Func<IEnumerator<T>> iterate, Func<long> cardinality) : Dataset<T>
{
    public override IEnumerator<T> GetEnumerator() => iterate();

    public override long Cardinality() => cardinality();
}
