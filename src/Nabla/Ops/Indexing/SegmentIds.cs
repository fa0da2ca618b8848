namespace Nabla;

/// <summary>Argument checks and gradient helpers shared by the segment reductions.</summary>
internal static class SegmentIds
{
    /// <summary>Checks that the ids are integers whose shape is a prefix of data's, and numSegments non-negative.</summary>
    public static void RequirePrefix(string op, Tensor data, Tensor segmentIds, int numSegments)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(segmentIds);
        IndexRuns.RequireIndexDType(op, segmentIds, data.Shape);
        bool ok = numSegments >= 0 && segmentIds.Rank <= data.Rank;
        for (int i = 0; ok && i < segmentIds.Rank; i++)
        {
            // An unknown size (a traced function's) is checked by the kernel's ops when the graph runs.
            ok = ShapeLike.Compatible(segmentIds.Shape.Dims[i], data.Shape.Dims[i]);
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"{op}: segment_ids of shape {segmentIds.Shape} must be a prefix of data's shape {data.Shape} ({data.DType}), " +
                $"and num_segments ({numSegments}) non-negative [Op:{op}].");
        }
    }

    /// <summary>
    /// The sorted segment ops' rule: 1-D ids as long as data's first dimension, non-negative and non-decreasing.
    /// Returns the number of segments (the last id + 1, or 0 for no ids).
    /// </summary>
    public static int RequireSorted(string op, Tensor data, Tensor segmentIds)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(segmentIds);
        IndexRuns.RequireIndexDType(op, segmentIds, data.Shape);
        if (segmentIds.Rank != 1 || data.Rank == 0 || !ShapeLike.Compatible(segmentIds.Shape.Dims[0], data.Shape.Dims[0]))
        {
            throw new ArgumentException(
                $"{op}: segment_ids should be a vector the size of data's dimension 0, got segment_ids of shape {segmentIds.Shape} " +
                $"for data of shape {data.Shape} ({data.DType}) [Op:{op}].");
        }

        long[] ids = IndexRuns.Read(segmentIds);
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || (i > 0 && ids[i] < ids[i - 1]))
            {
                string why = ids[i] < 0 ? "must be >= 0" : "are not increasing";
                throw new ArgumentException(
                    $"{op}: segment ids {why}: segment_ids[{i}] = {ids[i]} (data of shape {data.Shape}) [Op:{op}].");
            }
        }

        return ids.Length == 0 ? 0 : checked((int)(ids[^1] + 1));
    }

    /// <summary>
    /// TensorFlow's _GatherDropNegatives: <paramref name="values"/> gathered along <paramref name="axis"/> at the
    /// ids, with zeros where an id is negative (its slice was dropped by the forward op).
    /// </summary>
    public static Tensor GatherDropNegatives(Tensor values, Tensor ids, int axis = 0)
    {
        if (Array.TrueForAll(IndexRuns.Read(ids), id => id >= 0))
        {
            return Tf.Gather(values, ids, axis);
        }

        Tensor gathered = Tf.Gather(values, Tf.Maximum(ids, 0), axis);
        return Tf.Where(KeptMask(ids, gathered.Rank, axis), gathered, Tf.ZerosLike(gathered));
    }

    /// <summary>ids &gt;= 0, reshaped to broadcast against a gathered tensor of rank <paramref name="rank"/>.</summary>
    public static Tensor KeptMask(Tensor ids, int rank, int axis = 0)
    {
        var keptDims = new int[rank];
        keptDims.AsSpan().Fill(1);
        ids.Shape.Dims.CopyTo(keptDims.AsSpan(axis));
        return Tf.Reshape(Tf.GreaterEqual(ids, 0), keptDims);
    }
}
