using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

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
        long[] idx = IndexRuns.Read(ids);
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
        Tensor data = inputs[0];
        long[] ids = IndexRuns.Read(inputs[1]);
        int inner = numSegments == 0 ? 0 : output.Size / numSegments;
        switch (data.DType.Code)
        {
            case DTypeCode.Int32: Fold(data.Read<int>(), ids, inner, output.Write<int>(), IsMax ? int.MinValue : int.MaxValue); break;
            case DTypeCode.Int64: Fold(data.Read<long>(), ids, inner, output.Write<long>(), IsMax ? long.MinValue : long.MaxValue); break;
            case DTypeCode.Float32: Fold(data.Read<float>(), ids, inner, output.Write<float>(), IsMax ? float.MinValue : float.MaxValue); break;
            case DTypeCode.Float64: Fold(data.Read<double>(), ids, inner, output.Write<double>(), IsMax ? double.MinValue : double.MaxValue); break;
            default:
                {
                    // The reduced dtypes' own limits (exact in float32), so that an empty segment narrows to them.
                    float limit = data.DType == DType.Float16 ? (float)Half.MaxValue : (float)BFloat16.FromRawValue(0x7F7F);
                    float[] wide = ReducedPrecision.Widen(data.Buffer, data.DType, data.Size);
                    float[] result = System.Buffers.ArrayPool<float>.Shared.Rent(output.Size);
                    Fold<float>(wide.AsSpan(0, data.Size), ids, inner, result.AsSpan(0, output.Size), IsMax ? -limit : limit);
                    ReducedPrecision.Narrow(result.AsSpan(0, output.Size), output.Buffer, output.DType, output.Size);
                    System.Buffers.ArrayPool<float>.Shared.Return(result);
                    ReducedPrecision.Return(wide);
                    break;
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
