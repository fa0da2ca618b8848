using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

/// <summary>
/// Shared machinery of the gather/scatter ops: reading integer index tensors with range checks, and moving or
/// adding whole contiguous runs (one run per index, <c>inner</c> elements long), never single elements.
/// </summary>
internal static class IndexRuns
{
    /// <summary>Checks that <paramref name="indices"/> is int32 or int64.</summary>
    public static void RequireIndexDType(string op, Tensor indices, Shape other)
    {
        if (!indices.DType.IsIndex)
        {
            throw new ArgumentException(
                $"{op} expects int32 or int64 indices, got {indices.DType} of shape {indices.Shape} (params of shape {other}) [Op:{op}].");
        }
    }

    /// <summary>The indices as longs.</summary>
    public static long[] Read(Tensor indices)
    {
        var result = new long[indices.Size];
        if (indices.DType == DType.Int64)
        {
            indices.Read<long>().CopyTo(result);
        }
        else
        {
            ReadOnlySpan<int> src = indices.Read<int>();
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = src[i];
            }
        }

        return result;
    }

    /// <summary>
    /// For index tuples of length k (the last axis of <paramref name="indices"/>) into the leading axes of
    /// <paramref name="target"/>: the element offset of each tuple's run. Throws on an index out of range.
    /// </summary>
    public static int[] NdOffsets(string op, Tensor indices, Shape target, out int inner)
    {
        int k = indices.Shape.Dims[^1];
        if (k > target.Rank)
        {
            throw new ArgumentException(
                $"{op}: index innermost dimension {k} must be <= the rank {target.Rank} of shape {target} (indices of shape {indices.Shape}) [Op:{op}].");
        }

        inner = 1;
        for (int i = k; i < target.Rank; i++)
        {
            inner *= target.Dims[i];
        }

        int count = 1;
        for (int i = 0; i < indices.Rank - 1; i++)
        {
            count *= indices.Shape.Dims[i];
        }

        long[] idx = Read(indices);
        var offsets = new int[count];
        for (int r = 0; r < count; r++)
        {
            long offset = 0;
            for (int j = 0; j < k; j++)
            {
                long v = idx[(r * k) + j];
                int dim = target.Dims[j];
                if (v < 0 || v >= dim)
                {
                    throw new IndexOutOfRangeException(
                        $"{op}: indices[{r}, {j}] = {v} does not index into shape {target} (axis {j} has size {dim}) [Op:{op}].");
                }

                offset = (offset * dim) + v;
            }

            offsets[r] = (int)(offset * inner);
        }

        return offsets;
    }

    /// <summary>Copies run r of <paramref name="src"/> (at <c>srcOffsets[r]</c>, or r·inner) to <c>dstOffsets[r]</c> (or r·inner).</summary>
    public static void Copy(Tensor src, int[]? srcOffsets, Tensor dst, int[]? dstOffsets, int count, int inner)
        => DTypeDispatch.BySize(new CopyBody(srcOffsets, dstOffsets, count, inner), new ReadOnlySpan<Tensor>(in src), dst, dst.DType);

    /// <summary>Zeroes <paramref name="dst"/> and adds run r of <paramref name="src"/> (at r·inner) into <c>dstOffsets[r]</c>.</summary>
    /// <remarks>A negative offset drops its row of <paramref name="src"/>. float16/bfloat16 are summed in float32.</remarks>
    public static void ZeroAndAdd(Tensor src, Tensor dst, int[] dstOffsets, int inner)
        => DTypeDispatch.Numeric(new AddBody(dstOffsets, inner), new ReadOnlySpan<Tensor>(in src), dst, dst.DType);

    private readonly struct CopyBody(int[]? srcOffsets, int[]? dstOffsets, int count, int inner) : IElementBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged => Copy(o.In(0), srcOffsets, o.Out, dstOffsets, count, inner);
    }

    private readonly struct AddBody(int[] dstOffsets, int inner) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T> => Add(o.In(0), o.Out, dstOffsets, inner);
    }

    private static void Copy<T>(ReadOnlySpan<T> src, int[]? srcOffsets, Span<T> dst, int[]? dstOffsets, int count, int inner)
    {
        for (int r = 0; r < count; r++)
        {
            int s = srcOffsets is null ? r * inner : srcOffsets[r];
            int d = dstOffsets is null ? r * inner : dstOffsets[r];
            src.Slice(s, inner).CopyTo(dst.Slice(d, inner));
        }
    }

    private static void Add<T>(ReadOnlySpan<T> src, Span<T> dst, int[] dstOffsets, int inner)
        where T : unmanaged, INumber<T>
    {
        dst.Clear();
        for (int r = 0; r < dstOffsets.Length; r++)
        {
            if (dstOffsets[r] < 0)
            {
                continue; // a dropped row (UnsortedSegmentSum's negative segment ids)
            }

            Span<T> run = dst.Slice(dstOffsets[r], inner);
            TensorPrimitives.Add(run, src.Slice(r * inner, inner), run);
        }
    }
}
