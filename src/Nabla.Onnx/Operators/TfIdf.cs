namespace Nabla.Onnx;

/// <summary>
/// TfIdfVectorizer on integer tokens: counts of the pool's n-grams (with skips) per row, as term frequencies, IDF
/// indicators or TF·IDF, counted on the host as ONNX (and ONNX Runtime) count them. The tokens are integers, which
/// have no gradient, and must be known values (eagerly always; in a traced function when they are constants).
/// String tokens are not supported: Nabla has no string dtype.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddTfIdf(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["TfIdfVectorizer"] = One(TfIdfVectorizer);
    }

    private static Tensor TfIdfVectorizer(NodeContext n)
    {
        Tensor x = n.Input(0);
        if (!x.DType.IsInteger || x.Rank is not (1 or 2))
        {
            throw new ArgumentException($"{n.What}: expects integer tokens of shape (C) or (N, C), got {x.DType} {x.Shape}.");
        }

        int minGram = n.Int32("min_gram_length", 1), maxGram = n.Int32("max_gram_length", 1), maxSkip = n.Int32("max_skip_count", 0);
        string mode = n.String("mode", "TF");
        int[] gramStarts = n.Ints("ngram_counts") ?? [];
        int[] gramIndexes = n.Ints("ngram_indexes") ?? [];
        long[] pool = [.. n.Ints("pool_int64s") ?? []];
        float[]? weights = n.Floats("weights");
        if (mode is not ("TF" or "IDF" or "TFIDF") || minGram < 1 || maxGram < minGram || gramIndexes.Length == 0)
        {
            throw new ArgumentException($"{n.What}: mode '{mode}', gram lengths {minGram}..{maxGram} and {gramIndexes.Length} n-gram indexes are not a valid vectorizer.");
        }

        // Each pool n-gram (as its tokens joined) → its output column.
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        int gram = 0;
        for (int size = 1; size <= gramStarts.Length; size++)
        {
            int end = size < gramStarts.Length ? gramStarts[size] : pool.Length;
            for (int at = gramStarts[size - 1]; at + size <= end; at += size)
            {
                columns[string.Join(',', pool[at..(at + size)])] = gramIndexes[gram++];
            }
        }

        long[] tokens;
        using (Tf.InitScope())
        {
            tokens = x.IsSymbolic
                ? throw new NotSupportedException($"{n.What}: its tokens must be known when the function is traced (they are counted on the host).")
                : Tf.Cast(x, DType.Int64).ToArray<long>();
        }

        int rows = x.Rank == 1 ? 1 : x.Shape[0], length = x.Shape[x.Rank - 1], width = gramIndexes.Max() + 1;
        var counts = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            CountNGrams(tokens.AsSpan(r * length, length), columns, minGram, maxGram, maxSkip, counts.AsSpan(r * width, width));
        }

        for (int i = 0; i < counts.Length; i++)
        {
            float weight = weights is null ? 1 : weights[i % width];
            counts[i] = mode switch
            {
                "TF" => counts[i],
                "IDF" => counts[i] > 0 ? weight : 0,
                _ => counts[i] * weight,
            };
        }

        return Tf.Constant(counts, x.Rank == 1 ? new Shape(width) : new Shape(rows, width));
    }

    /// <summary>
    /// For each skip distance 1..maxSkip+1 and start position, the n-grams of sizes minGram..maxGram whose items are
    /// that distance apart; unigrams are counted at the first distance only (skips do not change them).
    /// </summary>
    private static void CountNGrams(ReadOnlySpan<long> row, Dictionary<string, int> columns, int minGram, int maxGram, int maxSkip, Span<float> counts)
    {
        int smallest = minGram;
        for (int distance = 1; distance <= maxSkip + 1 && smallest <= maxGram; distance++)
        {
            for (int start = 0; start < row.Length; start++)
            {
                var items = new List<long>();
                for (int size = 1, at = start; size <= maxGram && at < row.Length; size++, at += distance)
                {
                    items.Add(row[at]);
                    if (size >= smallest && columns.TryGetValue(string.Join(',', items), out int column))
                    {
                        counts[column]++;
                    }
                }
            }

            if (smallest == 1)
            {
                smallest = 2;
            }
        }
    }
}
