namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Sums the slices of <paramref name="data"/> that share a segment id: output[s] = Σ data[i] over i with
    /// segmentIds[i] == s, for s in [0, <paramref name="numSegments"/>); data's leading dims are segmentIds' shape.
    /// Empty segments are zero. The gradient gathers the upstream back.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a segment id is outside [0, numSegments).</exception>
    /// <exception cref="ArgumentException">When the shapes disagree or the ids are not integers.</exception>
    public static Tensor UnsortedSegmentSum(Tensor data, Tensor segmentIds, int numSegments)
    {
        SegmentIds.RequirePrefix("UnsortedSegmentSum", data, segmentIds, numSegments);
        return SegmentSumOp.Run(data, segmentIds, 0, numSegments, dropNegative: true);
    }
}

/// <summary>
/// Scatter-add along <c>axis</c>: data of shape prefix + ids.shape + suffix into prefix + [numSegments] + suffix.
/// The gradient of Gather and the op behind <see cref="Tf.UnsortedSegmentSum"/>; float16/bfloat16 add in float32.
/// With <c>dropNegative</c> (UnsortedSegmentSum) slices with a negative id are dropped; otherwise (Gather's
/// gradient, whose ids were validated by Gather) every id must be in range.
/// A number of segments of -1 (Gather's gradient where the gathered size is unknown while tracing) is the size of
/// a third input's axis when the graph runs.
/// </summary>
internal sealed class SegmentSumOp(int axis, int numSegments, bool dropNegative) : Op("UnsortedSegmentSum")
{
    // The output keeps data's other dimensions, known or not.
    public override bool SupportsUnknownDims => true;

    /// <summary>The scatter-add; <paramref name="sizeFrom"/>, when given, supplies the number of segments (its size on <paramref name="axis"/>).</summary>
    public static Tensor Run(Tensor data, Tensor ids, int axis, int numSegments, bool dropNegative = false, Tensor? sizeFrom = null)
    {
        var op = new SegmentSumOp(axis, sizeFrom is null ? numSegments : Shape.UnknownDim, dropNegative);
        if (data.DType.IsReducedPrecision)
        {
            Tensor wide = Tf.Cast(data, DType.Float32);
            return Tf.Cast(sizeFrom is null ? op.Call(wide, ids) : op.Call(wide, ids, sizeFrom), data.DType);
        }

        DTypeRules.Require("UnsortedSegmentSum", data.DType, DTypeSet.Numeric, data.Shape);
        return sizeFrom is null ? op.Call(data, ids) : op.Call(data, ids, sizeFrom);
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor data = inputs[0];
        Tensor ids = inputs[1];
        RequireIdsFit(Name, data.Shape, ids.Shape, axis);
        var dims = new List<int>(data.Rank);
        dims.AddRange(data.Shape.Dims[..axis]);
        dims.Add(inputs.Length > 2 ? inputs[2].Shape.Dims[axis] : numSegments);
        dims.AddRange(data.Shape.Dims[(axis + ids.Rank)..]);
        return new TensorSpec(Shape.FromOwnedArray(dims.ToArray()), data.DType);
    }

    /// <summary>
    /// Checks that the ids' shape is data's from <paramref name="axis"/> on (where both sizes are known: a traced
    /// function's plan checks it again with the sizes of each call).
    /// </summary>
    internal static void RequireIdsFit(string op, Shape data, Shape ids, int axis)
    {
        bool ok = axis + ids.Rank <= data.Rank;
        for (int i = 0; ok && i < ids.Rank; i++)
        {
            ok = ShapeLike.Compatible(ids.Dims[i], data.Dims[axis + i]);
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"{op}: segment_ids of shape {ids} must be a prefix of data's shape {data} from axis {axis} [Op:{op}].");
        }
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        long[] idx = IndexRuns.Read(inputs[1]);
        GatherOp.Split(output.Shape, axis, out int outer, out int dim, out int inner);

        // Checked when the values exist (when the graph runs, if traced), as TensorFlow's kernel checks them.
        for (int i = 0; i < idx.Length; i++)
        {
            if ((idx[i] < 0 && !dropNegative) || idx[i] >= dim)
            {
                throw new IndexOutOfRangeException(
                    $"UnsortedSegmentSum: segment_ids[{i}] = {idx[i]} is out of range [0, {dim}) (data of shape {inputs[0].Shape}) [Op:UnsortedSegmentSum].");
            }
        }

        var offsets = new int[outer * idx.Length];
        for (int o = 0, r = 0; o < outer; o++)
        {
            for (int k = 0; k < idx.Length; k++, r++)
            {
                offsets[r] = idx[k] < 0 ? -1 : (int)(((o * (long)dim) + idx[k]) * inner);
            }
        }

        IndexRuns.ZeroAndAdd(inputs[0], output, offsets, inner);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor ids = inputs[1];
        if (!dropNegative)
        {
            result[0] = Tf.Gather(upstream, ids, axis);
            return;
        }

        result[0] = SegmentIds.GatherDropNegatives(upstream, ids, axis);
    }
}
