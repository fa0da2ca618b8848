namespace Nabla.Onnx;

/// <summary>
/// ReverseSequence (a per-batch reversal of the first sequence_lens steps, a GatherNd with indices computed by Nabla
/// ops, so the lengths may be computed in a traced function) and Unique (host-side grouping of the known values, as
/// <see cref="Tf.Unique"/> does; Y is gathered from X, so its gradient flows back to the first occurrences).
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddOrdering(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["ReverseSequence"] = One(ReverseSequence);
        ops["Unique"] = Unique;
    }

    private static Tensor ReverseSequence(NodeContext n)
    {
        Tensor x = n.Input(0), lengths = Tf.Cast(n.Input(1), DType.Int64);
        int timeAxis = n.Axis(n.Int32("time_axis", 0), x.Rank), batchAxis = n.Axis(n.Int32("batch_axis", 1), x.Rank);
        if (x.Rank < 2 || (timeAxis, batchAxis) is not ((0, 1) or (1, 0)))
        {
            throw new ArgumentException($"{n.What}: time_axis and batch_axis must be 0 and 1 (in either order), got {timeAxis} and {batchAxis} for shape {x.Shape}.");
        }

        int steps = x.Shape[timeAxis], batch = x.Shape[batchAxis];
        // (batch, steps) grids of the batch index and the source step: t < len ? len − 1 − t : t.
        Tensor t = Tf.Reshape(Tf.Range(0, steps, 1, DType.Int64), [1, steps]);
        Tensor b = Tf.BroadcastTo(Tf.Reshape(Tf.Range(0, batch, 1, DType.Int64), [batch, 1]), [batch, steps]);
        Tensor len = Tf.Reshape(lengths, [batch, 1]);
        Tensor source = Tf.Where(Tf.Less(t, len), len - Int64s(1) - t, Tf.BroadcastTo(t, [batch, steps]));
        Tensor indices = timeAxis == 0
            ? Tf.Transpose(Tf.Stack([source, b], -1), [1, 0, 2])   // (steps, batch, 2): x[source, b]
            : Tf.Stack([b, source], -1);                            // (batch, steps, 2): x[b, source]
        return Tf.GatherNd(x, indices);
    }

    /// <summary>
    /// Unique(X) → (Y, indices, inverse_indices, counts): the distinct elements (or slices along axis), sorted
    /// (default) or in order of first occurrence, as NumPy's unique compares them.
    /// </summary>
    private static object[] Unique(NodeContext n)
    {
        Tensor x = n.Input(0);
        int? axis = n.HasAttribute("axis") ? n.Axis(n.Int32("axis", 0), x.Rank) : null;
        Tensor source = axis is null ? Tf.Reshape(x, [-1]) : x;
        int along = axis ?? 0;
        int slices = source.Shape[along];
        // Each slice along the axis as one row of values compared lexicographically.
        double[] values;
        using (Tf.InitScope())
        {
            if (x.IsSymbolic)
            {
                throw new NotSupportedException($"{n.What}: its input must be known when the function is traced (the count of distinct values decides the output's shape).");
            }

            int[] perm = [along, .. Enumerable.Range(0, source.Rank).Where(i => i != along)];
            values = Tf.Cast(Tf.Transpose(source, perm), DType.Float64).ToArray<double>();
        }

        int width = slices == 0 ? 0 : values.Length / slices;
        int Compare(int a, int b)
        {
            for (int k = 0; k < width; k++)
            {
                int c = values[(a * width) + k].CompareTo(values[(b * width) + k]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }

        // A stable sort groups equal slices with their first occurrence first.
        int[] order = [.. Enumerable.Range(0, slices).OrderBy(i => i, Comparer<int>.Create(Compare))];
        var groups = new List<List<int>>();
        foreach (int i in order)
        {
            if (groups.Count == 0 || Compare(groups[^1][0], i) != 0)
            {
                groups.Add([]);
            }

            groups[^1].Add(i);
        }

        if (n.Int("sorted", 1) == 0)
        {
            groups.Sort((g, h) => g[0].CompareTo(h[0]));
        }

        var first = new long[groups.Count];
        var counts = new long[groups.Count];
        var inverse = new long[slices];
        for (int g = 0; g < groups.Count; g++)
        {
            first[g] = groups[g][0];
            counts[g] = groups[g].Count;
            foreach (int i in groups[g])
            {
                inverse[i] = g;
            }
        }

        Tensor firstIndices = Tf.Constant(first, new Shape(first.Length));
        return [Tf.Gather(source, firstIndices, along), firstIndices, Tf.Constant(inverse, new Shape(slices)), Tf.Constant(counts, new Shape(counts.Length))];
    }
}
