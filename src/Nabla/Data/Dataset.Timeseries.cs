namespace Nabla.Data;

public static partial class Dataset
{
    /// <summary>
    /// Sliding windows over a time series with their targets, as Keras's <c>timeseries_dataset_from_array</c>:
    /// window <c>k</c> holds <c>data[s], data[s + samplingRate], ...</c> (<paramref name="sequenceLength"/> steps,
    /// axis 0 is time) for the start <c>s = startIndex + k * sequenceStride</c>, and its target is <c>targets[s]</c>
    /// (so <c>targets = data[sequenceLength..]</c> forecasts the step after each window). Windows come in batches of
    /// <paramref name="batchSize"/> (none when null), in time order unless <paramref name="shuffle"/>.
    /// </summary>
    /// <exception cref="ArgumentException">When an index, stride or rate is out of range (Keras's messages).</exception>
    public static Dataset<(Tensor, Tensor)> TimeseriesFromArray(Tensor data, Tensor targets, int sequenceLength, int sequenceStride = 1,
        int samplingRate = 1, int? batchSize = 128, bool shuffle = false, int? seed = null, int? startIndex = null, int? endIndex = null)
    {
        ArgumentNullException.ThrowIfNull(targets, nameof(targets) + " (use the overload without targets for inputs only)");
        Tensor series = data.ReadForOp();
        Tensor labels = targets.ReadForOp();
        if (labels.Rank == 0)
        {
            throw new ArgumentException($"TimeseriesFromArray: targets must have a time axis, got shape {labels.Shape}.", nameof(targets));
        }

        (int start, int[] positions, int seedUsed) = WindowStarts(series, labels.Shape[0], sequenceLength, sequenceStride, samplingRate,
            shuffle, seed, startIndex, endIndex);
        Shape targetRow = Rows.RowShape(labels.Shape);
        Dataset<(Tensor, Tensor)> windows = FromGenerator(() => Windows(series, positions, start, sequenceLength, samplingRate)
            .Select(w => (w.Window, Rows.Slice(labels, w.Start, targetRow))));
        return BatchWindows(new KnownLength<(Tensor, Tensor)>(windows, positions.Length), batchSize, shuffle, seedUsed);
    }

    /// <summary>Sliding windows over a time series, without targets (see the overload with targets).</summary>
    public static Dataset<Tensor> TimeseriesFromArray(Tensor data, int sequenceLength, int sequenceStride = 1, int samplingRate = 1,
        int? batchSize = 128, bool shuffle = false, int? seed = null, int? startIndex = null, int? endIndex = null)
    {
        Tensor series = data.ReadForOp();
        (int start, int[] positions, int seedUsed) = WindowStarts(series, int.MaxValue, sequenceLength, sequenceStride, samplingRate,
            shuffle, seed, startIndex, endIndex);
        Dataset<Tensor> windows = FromGenerator(() => Windows(series, positions, start, sequenceLength, samplingRate).Select(w => w.Window));
        return BatchWindows(new KnownLength<Tensor>(windows, positions.Length), batchSize, shuffle, seedUsed);
    }

    private static Dataset<T> BatchWindows<T>(Dataset<T> windows, int? batchSize, bool shuffle, int seed)
    {
        if (batchSize is int size)
        {
            // Keras shuffles the window starts, then shuffles again locally over eight batches.
            return (shuffle ? windows.Shuffle(size * 8, seed) : windows).Batch(size);
        }

        return shuffle ? windows.Shuffle(1024, seed) : windows;
    }

    private static IEnumerable<(Tensor Window, int Start)> Windows(Tensor data, int[] positions, int start, int length, int rate)
    {
        var rows = new int[length];
        foreach (int position in positions)
        {
            for (int k = 0; k < length; k++)
            {
                rows[k] = start + position + (k * rate);
            }

            yield return (Rows.Gather(data, rows), start + position);
        }
    }

    private static (int Start, int[] Positions, int Seed) WindowStarts(Tensor data, int targetCount, int sequenceLength, int sequenceStride,
        int samplingRate, bool shuffle, int? seed, int? startIndex, int? endIndex)
    {
        int n = data.Rank == 0
            ? throw new ArgumentException($"TimeseriesFromArray: data must have a time axis, got shape {data.Shape}.", nameof(data))
            : data.Shape[0];
        Check(startIndex is null or >= 0, $"`start_index` must be 0 or greater. Received: start_index={startIndex}");
        Check(startIndex is null || startIndex < n, $"`start_index` must be lower than the length of the data. Received: start_index={startIndex}, for data of length {n}");
        Check(endIndex is null || startIndex is null || endIndex > startIndex,
            $"`end_index` must be higher than `start_index`. Received: start_index={startIndex}, and end_index={endIndex}");
        Check(endIndex is null || endIndex < n, $"`end_index` must be lower than the length of the data. Received: end_index={endIndex}, for data of length {n}");
        Check(endIndex is null or > 0, $"`end_index` must be higher than 0. Received: end_index={endIndex}");
        Check(samplingRate > 0 && samplingRate < n, $"`sampling_rate` must be higher than 0 and lower than the length of the data ({n}). Received: sampling_rate={samplingRate}");
        Check(sequenceStride > 0 && sequenceStride < n, $"`sequence_stride` must be higher than 0 and lower than the length of the data ({n}). Received: sequence_stride={sequenceStride}");
        Check(sequenceLength > 0, $"`sequence_length` must be higher than 0. Received: sequence_length={sequenceLength}");

        int start = startIndex ?? 0;
        int end = endIndex ?? n;
        long count = Math.Min(end - start - ((sequenceLength - 1L) * samplingRate), (long)targetCount - start);
        var positions = new int[count <= 0 ? 0 : (int)((count - 1) / sequenceStride) + 1];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = i * sequenceStride;
        }

        int seedUsed = seed ?? (shuffle ? Dataset<Tensor>.DrawSeed() : 0);
        if (shuffle)
        {
#pragma warning disable CA5394 // A seeded shuffle, not a security feature.
            new Random(seedUsed).Shuffle(positions);
#pragma warning restore CA5394
        }

        return (start, positions, seedUsed);

        static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException("TimeseriesFromArray: " + message);
            }
        }
    }

    /// <summary>A dataset whose length is known although its source is a generator.</summary>
    private sealed class KnownLength<T>(Dataset<T> inner, long count) : Dataset<T>
    {
        public override IEnumerator<T> GetEnumerator() => inner.GetEnumerator();

        public override long Cardinality() => count;
    }
}
