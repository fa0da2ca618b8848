namespace Nabla.Data;

/// <summary>
/// Makes datasets (TensorFlow's <c>tf.data.Dataset</c> static methods): slices of tensors, ranges, generators,
/// CSV files, zips of datasets and time-series windows.
/// </summary>
public static partial class Dataset
{
    /// <summary>The cardinality of an endless dataset (TensorFlow's <c>tf.data.INFINITE_CARDINALITY</c>).</summary>
    public const long InfiniteCardinality = -1;

    /// <summary>The cardinality of a dataset whose length is known only by iterating it (<c>tf.data.UNKNOWN_CARDINALITY</c>).</summary>
    public const long UnknownCardinality = -2;

    /// <summary>Lets the pipeline choose a degree of parallelism or a buffer size (TensorFlow's <c>tf.data.AUTOTUNE</c>).</summary>
    public const int Autotune = -1;

    /// <summary>The rows of <paramref name="tensor"/> along its first axis, one element each (TensorFlow's <c>from_tensor_slices</c>).</summary>
    /// <exception cref="ArgumentException">When the tensor is a scalar.</exception>
    public static Dataset<Tensor> FromTensorSlices(Tensor tensor) => new SliceDataset<Tensor>(tensor);

    /// <summary>Pairs of rows of <paramref name="x"/> and <paramref name="y"/> (<c>from_tensor_slices((x, y))</c>), typically inputs and targets.</summary>
    /// <exception cref="ArgumentException">When the first dimensions differ or a tensor is a scalar.</exception>
    public static Dataset<(Tensor, Tensor)> FromTensorSlices(Tensor x, Tensor y) => new SliceDataset<(Tensor, Tensor)>((x, y));

    /// <summary>Triples of rows, e.g. inputs, targets and sample weights.</summary>
    public static Dataset<(Tensor, Tensor, Tensor)> FromTensorSlices(Tensor x, Tensor y, Tensor z) =>
        new SliceDataset<(Tensor, Tensor, Tensor)>((x, y, z));

    /// <summary>
    /// Slices of every tensor of a (possibly nested) pair, e.g. <c>((features, extra), labels)</c>: element
    /// <c>i</c> has the same structure, with row <c>i</c> of each tensor.
    /// </summary>
    public static Dataset<(T1, T2)> FromTensorSlices<T1, T2>((T1, T2) tensors)
    {
        TensorStructure.Register<T1, T2>();
        return new SliceDataset<(T1, T2)>(tensors);
    }

    /// <summary>Slices of every tensor of a (possibly nested) triple.</summary>
    public static Dataset<(T1, T2, T3)> FromTensorSlices<T1, T2, T3>((T1, T2, T3) tensors)
    {
        TensorStructure.Register<T1, T2, T3>();
        return new SliceDataset<(T1, T2, T3)>(tensors);
    }

    /// <summary>
    /// Slices of a named structure: element <c>i</c> maps each name to row <c>i</c> of its tensor
    /// (<c>from_tensor_slices({"age": ages, "fare": fares})</c>).
    /// </summary>
    public static Dataset<IReadOnlyDictionary<string, Tensor>> FromTensorSlices(IReadOnlyDictionary<string, Tensor> tensors) =>
        new SliceDataset<IReadOnlyDictionary<string, Tensor>>(tensors);

    /// <summary>
    /// The integers <c>[0, stop)</c> as scalar tensors (TensorFlow's <c>range</c>; int64 unless <paramref name="dtype"/> says otherwise).
    /// </summary>
    public static Dataset<Tensor> Range(long stop, DType? dtype = null) => Range(0, stop, 1, dtype);

    /// <summary>The integers from <paramref name="start"/> to <paramref name="stop"/> (excluded) by <paramref name="step"/>, as scalar tensors.</summary>
    /// <exception cref="ArgumentException">When <paramref name="step"/> is 0.</exception>
    public static Dataset<Tensor> Range(long start, long stop, long step = 1, DType? dtype = null)
    {
        if (step == 0)
        {
            throw new ArgumentException("Range: step must not be 0.", nameof(step));
        }

        DType type = dtype ?? DType.Int64;
        long count = step > 0 ? (stop <= start ? 0 : ((stop - start - 1) / step) + 1) : (start <= stop ? 0 : ((start - stop - 1) / -step) + 1);
        return new IteratorDataset<Tensor>(() => RangeIterator(start, step, count, type), () => count);
    }

    /// <summary>
    /// The elements of a C# sequence (TensorFlow's <c>from_generator</c>): <paramref name="generator"/> is called at
    /// the start of every iteration and its sequence is read lazily, one element per request.
    /// </summary>
    public static Dataset<T> FromGenerator<T>(Func<IEnumerable<T>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new IteratorDataset<T>(() => (generator() ?? throw new InvalidOperationException("FromGenerator: the generator returned null.")).GetEnumerator(),
            () => UnknownCardinality);
    }

    /// <summary>Pairs made by a generator; the pair's structure is registered so the elements can be batched.</summary>
    public static Dataset<(T1, T2)> FromGenerator<T1, T2>(Func<IEnumerable<(T1, T2)>> generator)
    {
        TensorStructure.Register<T1, T2>();
        return FromGenerator<(T1, T2)>(generator);
    }

    /// <summary>Pairs of elements of two datasets, as long as both last (TensorFlow's <c>zip</c>).</summary>
    public static Dataset<(T1, T2)> Zip<T1, T2>(Dataset<T1> first, Dataset<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        TensorStructure.Register<T1, T2>();
        return new IteratorDataset<(T1, T2)>(() => ZipIterator(first, second),
            () => ZipCardinality(first.Cardinality(), second.Cardinality()));
    }

    /// <summary>Triples of elements of three datasets, as long as all three last.</summary>
    public static Dataset<(T1, T2, T3)> Zip<T1, T2, T3>(Dataset<T1> first, Dataset<T2> second, Dataset<T3> third)
    {
        ArgumentNullException.ThrowIfNull(third);
        TensorStructure.Register<T1, T2, T3>();
        Dataset<(T1, T2)> pairs = Zip(first, second);
        return new IteratorDataset<(T1, T2, T3)>(() => ZipIterator(pairs, third, static (p, c) => (p.Item1, p.Item2, c)),
            () => ZipCardinality(pairs.Cardinality(), third.Cardinality()));
    }

    private static long ZipCardinality(long a, long b) =>
        a == InfiniteCardinality ? b : b == InfiniteCardinality ? a : a == UnknownCardinality || b == UnknownCardinality ? UnknownCardinality : Math.Min(a, b);

    private static IEnumerator<Tensor> RangeIterator(long start, long step, long count, DType dtype)
    {
        for (long i = 0; i < count; i++)
        {
            long value = start + (i * step);
            yield return dtype == DType.Int64 ? Tensor.Scalar(value) : Tf.Cast(Tensor.Scalar(value), dtype);
        }
    }

    private static IEnumerator<(T1, T2)> ZipIterator<T1, T2>(Dataset<T1> first, Dataset<T2> second) =>
        ZipIterator(first, second, static (a, b) => (a, b));

    private static IEnumerator<TResult> ZipIterator<T1, T2, TResult>(Dataset<T1> first, Dataset<T2> second, Func<T1, T2, TResult> combine)
    {
        using IEnumerator<T1> a = first.GetEnumerator();
        using IEnumerator<T2> b = second.GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            yield return combine(a.Current, b.Current);
        }
    }
}
