using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The largest slice of <paramref name="data"/> per segment id (TensorFlow's
    /// <c>tf.math.unsorted_segment_max</c>): output[s] = max of data[i] over i with segmentIds[i] == s.
    /// segmentIds' shape is a prefix of data's; slices with a negative id are dropped; an empty segment is the
    /// lowest value of the dtype. The gradient is shared equally among the elements attaining the maximum.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a segment id is at or above numSegments.</exception>
    /// <exception cref="ArgumentException">When the shapes disagree or the dtypes are not supported.</exception>
    public static Tensor UnsortedSegmentMax(Tensor data, Tensor segmentIds, int numSegments)
        => SegmentExtremumOp.Run("UnsortedSegmentMax", data, segmentIds, numSegments);

    /// <summary>
    /// The smallest slice of <paramref name="data"/> per segment id (TensorFlow's
    /// <c>tf.math.unsorted_segment_min</c>); an empty segment is the largest value of the dtype. See
    /// <see cref="UnsortedSegmentMax"/>.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a segment id is at or above numSegments.</exception>
    /// <exception cref="ArgumentException">When the shapes disagree or the dtypes are not supported.</exception>
    public static Tensor UnsortedSegmentMin(Tensor data, Tensor segmentIds, int numSegments)
        => SegmentExtremumOp.Run("UnsortedSegmentMin", data, segmentIds, numSegments);
}

/// <summary>
/// Segment max or min over the leading axes given by the ids: data viewed as rows of its trailing axes, each row
/// folded into its segment's row with TensorPrimitives.Max/Min; empty segments keep the dtype's lowest (max) or
/// highest (min) value, as TensorFlow's numeric_limits. float16/bfloat16 are computed in float32.
/// </summary>
internal sealed class SegmentExtremumOp(string name, int numSegments) : Op(name)
{
    private bool IsMax => Name == "UnsortedSegmentMax";

    // The output keeps data's trailing dimensions, known or not.
    public override bool SupportsUnknownDims => true;

    public static Tensor Run(string name, Tensor data, Tensor segmentIds, int numSegments)
    {
        SegmentIds.RequirePrefix(name, data, segmentIds, numSegments);
        DTypeRules.Require(name, data.DType, DTypeSet.Numeric, data.Shape);
        return new SegmentExtremumOp(name, numSegments).Call(data, segmentIds);
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor data = inputs[0];
        Tensor ids = inputs[1];
        SegmentSumOp.RequireIdsFit(Name, data.Shape, ids.Shape, 0);
        long[] idx = ShapeLike.HasValues(ids) ? IndexRuns.Read(ids) : []; // otherwise the kernel meets them
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] >= numSegments)
            {
                throw new IndexOutOfRangeException(
                    $"{Name}: segment_ids[{i}] = {idx[i]} is out of range [0, {numSegments}) (data of shape {data.Shape}) [Op:{Name}].");
            }
        }

        var dims = new int[data.Rank - ids.Rank + 1];
        dims[0] = numSegments;
        data.Shape.Dims[ids.Rank..].CopyTo(dims.AsSpan(1));
        return new TensorSpec(Shape.FromOwnedArray(dims), data.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        long[] ids = IndexRuns.Read(inputs[1]);
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] >= numSegments)
            {
                throw new IndexOutOfRangeException(
                    $"{Name}: segment_ids[{i}] = {ids[i]} is out of range [0, {numSegments}) (data of shape {inputs[0].Shape}) [Op:{Name}].");
            }
        }

        int inner = numSegments == 0 ? 0 : output.Size / numSegments;
        DTypeDispatch.Numeric(new Body(this, ids, inner), inputs, output, inputs[0].DType);
    }

    private readonly struct Body(SegmentExtremumOp op, long[] ids, int inner) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
            => op.Fold(o.In(0), ids, inner, o.Out, Empty<T>(o.DType, op.IsMax));

        // An empty segment is the dtype's lowest (max) or largest (min) value. float16/bfloat16 are folded in
        // float32, so their own finite limits (exact in float32) are used: they narrow back to themselves.
        private static T Empty<T>(DType dtype, bool max)
            where T : unmanaged, INumber<T>
        {
            switch (dtype.Code)
            {
                case DTypeCode.Int8: return T.CreateTruncating(max ? sbyte.MinValue : sbyte.MaxValue);
                case DTypeCode.UInt8: return T.CreateTruncating(max ? byte.MinValue : byte.MaxValue);
                case DTypeCode.Int16: return T.CreateTruncating(max ? short.MinValue : short.MaxValue);
                case DTypeCode.Int32: return T.CreateTruncating(max ? int.MinValue : int.MaxValue);
                case DTypeCode.Int64: return T.CreateTruncating(max ? long.MinValue : long.MaxValue);
                case DTypeCode.Float32: return T.CreateTruncating(max ? float.MinValue : float.MaxValue);
                case DTypeCode.Float64: return T.CreateTruncating(max ? double.MinValue : double.MaxValue);
                default:
                    float limit = dtype == DType.Float16 ? (float)Half.MaxValue : (float)BFloat16.FromRawValue(0x7F7F);
                    return T.CreateTruncating(max ? -limit : limit);
            }
        }
    }

    // TensorFlow's _UnsortedSegmentMinOrMaxGrad: the upstream of each segment is split equally among the
    // elements equal to the segment's result; dropped (negative-id) slices get zero.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor data = inputs[0];
        Tensor ids = inputs[1];
        Tensor safeIds = Tf.Maximum(ids, 0);
        Tensor kept = SegmentIds.KeptMask(ids, data.Rank);
        Tensor selected = Tf.LogicalAnd(Tf.Equal(data, Tf.Gather(output, safeIds)), kept);
        Tensor count = Tf.UnsortedSegmentSum(Tf.Cast(selected, upstream.DType), ids, numSegments);
        Tensor share = Tf.Divide(upstream, Tf.Maximum(count, 1));
        result[0] = Tf.Where(selected, Tf.Gather(share, safeIds), Tf.ZerosLike(data));
    }

    private void Fold<T>(ReadOnlySpan<T> data, long[] ids, int inner, Span<T> output, T empty)
        where T : unmanaged, INumber<T>
    {
        output.Fill(empty);
        bool max = IsMax;
        for (int r = 0; r < ids.Length; r++)
        {
            if (ids[r] < 0)
            {
                continue;
            }

            Span<T> target = output.Slice((int)ids[r] * inner, inner);
            ReadOnlySpan<T> row = data.Slice(r * inner, inner);
            if (max)
            {
                TensorPrimitives.Max(target, row, target);
            }
            else
            {
                TensorPrimitives.Min(target, row, target);
            }
        }
    }
}
