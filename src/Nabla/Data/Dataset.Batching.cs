namespace Nabla.Data;

public abstract partial class Dataset<T>
{
    /// <summary>
    /// Stacks <paramref name="batchSize"/> consecutive elements into one (TensorFlow's <c>batch</c>): each tensor of
    /// the structure gains a first axis of that length. The last batch is shorter unless
    /// <paramref name="dropRemainder"/> drops it. The element type must be a <see cref="TensorStructure{T}"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="NotSupportedException">When <typeparamref name="T"/> is not a tensor structure.</exception>
    public Dataset<T> Batch(int batchSize, bool dropRemainder = false)
    {
        CheckBatchSize("Batch", batchSize);
        TensorStructure<T> structure = TensorStructure.Of<T>();
        return new IteratorDataset<T>(
            () => BatchIterator(this, batchSize, dropRemainder, (items, leaves) => StackLeaves(items, leaves, structure, null, null)),
            () => BatchCardinality(Cardinality(), batchSize, dropRemainder));
    }

    /// <summary>
    /// Batches elements whose tensors differ in length, padding each to a common shape (TensorFlow's
    /// <c>padded_batch</c>). <paramref name="paddedShapes"/> gives, per tensor of the structure in
    /// <see cref="TensorStructure{T}.Flatten"/> order (a tuple's items in order, a dictionary's keys sorted), the shape
    /// of one padded element; a null shape, or a -1 dimension, pads to the longest in the batch.
    /// <paramref name="paddingValues"/> gives the fill value per tensor (0 by default).
    /// </summary>
    /// <exception cref="ArgumentException">When the lists do not match the structure's tensors.</exception>
    /// <exception cref="InvalidOperationException">While iterating: an element longer than its padded shape, or of another rank.</exception>
    public Dataset<T> PaddedBatch(int batchSize, IReadOnlyList<int[]?>? paddedShapes = null, IReadOnlyList<double>? paddingValues = null,
        bool dropRemainder = false)
    {
        CheckBatchSize("PaddedBatch", batchSize);
        TensorStructure<T> structure = TensorStructure.Of<T>();
        int[]?[] shapes = paddedShapes is null ? [] : [.. paddedShapes];
        double[] values = paddingValues is null ? [] : [.. paddingValues];
        return new IteratorDataset<T>(
            () => BatchIterator(this, batchSize, dropRemainder, (items, leaves) => StackLeaves(items, leaves, structure, shapes, values)),
            () => BatchCardinality(Cardinality(), batchSize, dropRemainder));
    }

    /// <summary>Splits each element along the first axis of its tensors into that many elements (TensorFlow's <c>unbatch</c>).</summary>
    public Dataset<T> Unbatch()
    {
        TensorStructure<T> structure = TensorStructure.Of<T>();
        return new IteratorDataset<T>(() => UnbatchIterator(this, structure), () =>
            Cardinality() == Dataset.InfiniteCardinality ? Dataset.InfiniteCardinality : Dataset.UnknownCardinality);
    }

    /// <summary>
    /// Groups elements into windows (TensorFlow's <c>window</c>), each a small dataset of up to <paramref name="size"/>
    /// elements: window <c>k</c> starts at input element <c>k * shift</c> and takes every <paramref name="stride"/>-th
    /// element. Windows at the end are shorter unless <paramref name="dropRemainder"/>. Turn them into tensors with
    /// <c>FlatMap(w =&gt; w.Batch(size))</c>. Only the elements of the current window are held.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When a size, shift or stride is not positive.</exception>
    public Dataset<Dataset<T>> Window(int size, int? shift = null, int stride = 1, bool dropRemainder = false)
    {
        int step = shift ?? size;
        if (size <= 0 || step <= 0 || stride <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size),
                $"Window: size, shift and stride must be positive, got {size}, {step} and {stride}.");
        }

        return new IteratorDataset<Dataset<T>>(() => WindowIterator(this, size, step, stride, dropRemainder), () =>
        {
            long n = Cardinality();
            if (n < 0)
            {
                return n;
            }

            long span = ((size - 1L) * stride) + 1;
            return dropRemainder ? (n < span ? 0 : ((n - span) / step) + 1) : (n + step - 1) / step;
        });
    }

    private static void CheckBatchSize(string operation, int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{operation}: batchSize must be positive.");
        }
    }

    private static long BatchCardinality(long n, int batchSize, bool dropRemainder) =>
        n < 0 ? n : dropRemainder ? n / batchSize : (n + batchSize - 1) / batchSize;

    private static IEnumerator<T> BatchIterator(Dataset<T> input, int batchSize, bool dropRemainder, Func<List<T>, List<Tensor>, T> stack)
    {
        var pending = new List<T>(Math.Min(batchSize, 4096));
        var leaves = new List<Tensor>();
        foreach (T item in input)
        {
            pending.Add(item);
            if (pending.Count == batchSize)
            {
                T batch = stack(pending, leaves);
                pending.Clear();
                yield return batch;
            }
        }

        if (pending.Count > 0 && !dropRemainder)
        {
            yield return stack(pending, leaves);
        }
    }

    // Flattens every element against the first, then stacks (or pads and stacks) each leaf across the elements.
    private static T StackLeaves(List<T> items, List<Tensor> leaves, TensorStructure<T> structure, int[]?[]? paddedShapes, double[]? paddingValues)
    {
        leaves.Clear();
        T prototype = items[0];
        foreach (T item in items)
        {
            structure.Flatten(item, prototype, leaves);
        }

        int perElement = leaves.Count / items.Count;
        if (paddedShapes is not null && (paddedShapes.Length is not 0 && paddedShapes.Length != perElement
            || paddingValues!.Length is not 0 && paddingValues.Length != perElement))
        {
            throw new ArgumentException(
                $"PaddedBatch: the elements hold {perElement} tensors, but {paddedShapes.Length} padded shapes and {paddingValues!.Length} padding values were given.");
        }

        var stacked = new Tensor[perElement];
        var column = new Tensor[items.Count];
        for (int j = 0; j < perElement; j++)
        {
            for (int i = 0; i < items.Count; i++)
            {
                column[i] = leaves[(i * perElement) + j].ReadForOp();
            }

            stacked[j] = paddedShapes is null
                ? Rows.Stack(column, j)
                : Padding.Stack(column, j, paddedShapes.Length == 0 ? null : paddedShapes[j], paddingValues!.Length == 0 ? 0 : paddingValues[j]);
        }

        int next = 0;
        return structure.Rebuild(prototype, stacked, ref next);
    }

    private static IEnumerator<T> UnbatchIterator(Dataset<T> input, TensorStructure<T> structure)
    {
        var leaves = new List<Tensor>();
        foreach (T item in input)
        {
            leaves.Clear();
            structure.Flatten(item, item, leaves);
            int rows = -1;
            var rowShapes = new Shape[leaves.Count];
            for (int j = 0; j < leaves.Count; j++)
            {
                leaves[j] = leaves[j].ReadForOp();
                if (leaves[j].Rank == 0 || (rows >= 0 && leaves[j].Shape[0] != rows))
                {
                    throw new InvalidOperationException(
                        $"Unbatch: every tensor of an element needs the same first dimension; component {j} has shape {leaves[j].Shape}.");
                }

                rows = leaves[j].Shape[0];
                rowShapes[j] = Rows.RowShape(leaves[j].Shape);
            }

            var row = new Tensor[leaves.Count];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] = Rows.Slice(leaves[j], i, rowShapes[j]);
                }

                int next = 0;
                yield return structure.Rebuild(item, row, ref next);
            }
        }
    }

    private static IEnumerator<Dataset<T>> WindowIterator(Dataset<T> input, int size, int shift, int stride, bool dropRemainder)
    {
        long span = ((size - 1L) * stride) + 1;
        var held = new List<T>();  // input elements from the current window's start on
        using IEnumerator<T> source = input.GetEnumerator();
        bool exhausted = false;
        while (true)
        {
            while (!exhausted && held.Count < span)
            {
                if (source.MoveNext())
                {
                    held.Add(source.Current);
                }
                else
                {
                    exhausted = true;
                }
            }

            if (held.Count == 0 || (dropRemainder && held.Count < span))
            {
                yield break;
            }

            var window = new T[((held.Count - 1) / stride) + 1];
            for (int i = 0; i < window.Length; i++)
            {
                window[i] = held[i * stride];
            }

            yield return new IteratorDataset<T>(() => ((IEnumerable<T>)window).GetEnumerator(), () => window.Length);

            // Move to the next window's start, reading past elements the shift skips beyond those held.
            int drop = Math.Min(shift, held.Count);
            held.RemoveRange(0, drop);
            for (int skipped = drop; skipped < shift && !exhausted; skipped++)
            {
                exhausted = !source.MoveNext();
            }
        }
    }
}
