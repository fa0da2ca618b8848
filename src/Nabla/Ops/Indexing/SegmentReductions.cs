namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Sums the rows of <paramref name="data"/> that share a segment id (TensorFlow's <c>tf.math.segment_sum</c>):
    /// the ids are a vector as long as data's first dimension, non-negative and sorted; the output has
    /// <c>segmentIds[-1] + 1</c> rows, and a segment with no rows is 0. The gradient gathers the upstream back.
    /// </summary>
    /// <exception cref="ArgumentException">When the ids are not a sorted, non-negative integer vector of the right length.</exception>
    public static Tensor SegmentSum(Tensor data, Tensor segmentIds)
    {
        int count = SegmentIds.RequireSorted("SegmentSum", data, segmentIds);
        DTypeRules.Require("SegmentSum", data.DType, DTypeSet.Numeric, data.Shape);
        return UnsortedSegmentSum(data, segmentIds, count);
    }

    /// <summary>
    /// The mean of the rows of <paramref name="data"/> per (sorted) segment id (TensorFlow's
    /// <c>tf.math.segment_mean</c>); an empty segment is 0, integers divide truncating toward zero.
    /// </summary>
    /// <exception cref="ArgumentException">When the ids are not a sorted, non-negative integer vector of the right length.</exception>
    public static Tensor SegmentMean(Tensor data, Tensor segmentIds)
    {
        int count = SegmentIds.RequireSorted("SegmentMean", data, segmentIds);
        DTypeRules.Require("SegmentMean", data.DType, DTypeSet.Numeric, data.Shape);
        return MeanOfSums(data, segmentIds, count);
    }

    /// <summary>
    /// The largest row of <paramref name="data"/> per (sorted) segment id (TensorFlow's <c>tf.math.segment_max</c>);
    /// an empty segment is 0. The gradient is shared equally among the elements attaining the maximum.
    /// </summary>
    /// <exception cref="ArgumentException">When the ids are not a sorted, non-negative integer vector of the right length.</exception>
    public static Tensor SegmentMax(Tensor data, Tensor segmentIds) => SortedExtremum("SegmentMax", data, segmentIds);

    /// <summary>
    /// The smallest row of <paramref name="data"/> per (sorted) segment id (TensorFlow's <c>tf.math.segment_min</c>);
    /// an empty segment is 0. The gradient is shared equally among the elements attaining the minimum.
    /// </summary>
    /// <exception cref="ArgumentException">When the ids are not a sorted, non-negative integer vector of the right length.</exception>
    public static Tensor SegmentMin(Tensor data, Tensor segmentIds) => SortedExtremum("SegmentMin", data, segmentIds);

    /// <summary>
    /// The mean of the slices of <paramref name="data"/> per segment id, in any order (TensorFlow's
    /// <c>tf.math.unsorted_segment_mean</c>): segmentIds' shape is a prefix of data's, negative ids are dropped,
    /// an empty segment is 0.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a segment id is at or above numSegments.</exception>
    /// <exception cref="ArgumentException">When the shapes disagree or the dtypes are not supported.</exception>
    public static Tensor UnsortedSegmentMean(Tensor data, Tensor segmentIds, int numSegments)
    {
        SegmentIds.RequirePrefix("UnsortedSegmentMean", data, segmentIds, numSegments);
        DTypeRules.Require("UnsortedSegmentMean", data.DType, DTypeSet.Numeric, data.Shape);
        return MeanOfSums(data, segmentIds, numSegments);
    }

    // sum / max(count, 1), the count of each segment read from the ids (TensorFlow's _unsorted_segment_N).
    private static Tensor MeanOfSums(Tensor data, Tensor segmentIds, int numSegments)
    {
        Tensor sums = UnsortedSegmentSum(data, segmentIds, numSegments);
        double[] counts = SegmentCounts(segmentIds, numSegments);
        for (int s = 0; s < counts.Length; s++)
        {
            counts[s] = System.Math.Max(counts[s], 1);
        }

        Tensor divisor = Tf.Constant(counts, CountShape(numSegments, sums.Rank));
        return data.DType.IsInteger
            ? Tf.Cast(Tf.Divide(Tf.Cast(sums, DType.Float64), divisor), data.DType)
            : Tf.Divide(sums, Tf.Cast(divisor, data.DType));
    }

    private static Tensor SortedExtremum(string name, Tensor data, Tensor segmentIds)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(segmentIds);
        int count = SegmentIds.RequireSorted(name, data, segmentIds);
        DTypeRules.Require(name, data.DType, DTypeSet.Numeric, data.Shape);
        Tensor result = SegmentExtremumOp.Run("Unsorted" + name, data, segmentIds, count);
        double[] counts = SegmentCounts(segmentIds, count);
        if (Array.TrueForAll(counts, c => c > 0))
        {
            return result;
        }

        // Sorted ids can skip a segment; TensorFlow's sorted ops give 0 there, not the dtype's limit.
        var present = new bool[counts.Length];
        for (int s = 0; s < counts.Length; s++)
        {
            present[s] = counts[s] > 0;
        }

        Tensor mask = Tf.Constant(present, CountShape(count, result.Rank));
        return Tf.Where(mask, result, Tf.ZerosLike(result));
    }

    private static double[] SegmentCounts(Tensor segmentIds, int numSegments)
    {
        var counts = new double[numSegments];
        foreach (long id in IndexRuns.Read(segmentIds))
        {
            if (id >= 0 && id < numSegments)
            {
                counts[id]++;
            }
        }

        return counts;
    }

    // [numSegments, 1, 1, ...]: broadcasts over the trailing axes of a segment result of the given rank.
    private static Shape CountShape(int numSegments, int rank)
    {
        var dims = new int[rank];
        dims.AsSpan().Fill(1);
        dims[0] = numSegments;
        return Shape.FromOwnedArray(dims);
    }
}
