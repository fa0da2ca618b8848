namespace Nabla;

/// <summary>
/// The tensor indexer and <see cref="Tf.StridedSlice"/>: a list of <see cref="TensorIndex"/> entries becomes one
/// <see cref="Tf.Slice"/> over the bounding box, a <see cref="Tf.Gather(Tensor, Tensor, int)"/> per axis whose step
/// is not 1, and a reshape that drops picked axes and inserts new ones. Gradients are those ops'. With unknown
/// sizes (a graph traced with unknown dimensions) the entries become one <see cref="StridedSliceOp"/> instead,
/// resolved against the sizes of each call.
/// </summary>
internal static class StridedSlicing
{
    public static Tensor Apply(Tensor x, ReadOnlySpan<TensorIndex> indices)
    {
        Shape shape = x.Shape;
        int rank = shape.Rank;
        int consuming = 0, ellipses = 0;
        foreach (TensorIndex index in indices)
        {
            ellipses += index.Kind == TensorIndexKind.Ellipsis ? 1 : 0;
            consuming += index.Kind is TensorIndexKind.Position or TensorIndexKind.Range or TensorIndexKind.Slice ? 1 : 0;
        }

        if (ellipses > 1)
        {
            throw new ArgumentException($"Multiple ellipses in slice spec not allowed (indices [{string.Join(", ", indices.ToArray())}] of a tensor of shape {shape}).");
        }

        if (consuming > rank)
        {
            throw new IndexOutOfRangeException($"Too many indices ({consuming}) for a tensor of shape {shape} (rank {rank}).");
        }

        if (!shape.IsFullyDefined)
        {
            // The bounding box and the steps' positions are computed from the sizes: resolved when the graph runs.
            return new StridedSliceOp(indices.ToArray()).Call(x);
        }

        var begin = new int[rank];
        int[] size = shape.ToArray();
        var steps = new List<(int Axis, int Start, int Count, int Step)>();
        var output = new List<int>(rank + indices.Length);
        int axis = 0;
        foreach (TensorIndex index in indices)
        {
            switch (index.Kind)
            {
                case TensorIndexKind.NewAxis:
                    output.Add(1);
                    break;
                case TensorIndexKind.Ellipsis:
                    for (int whole = rank - consuming; whole > 0; whole--)
                    {
                        output.Add(shape.Dims[axis++]);
                    }

                    break;
                case TensorIndexKind.Position:
                    begin[axis] = Position(index.Index, axis, shape);
                    size[axis++] = 1;
                    break;
                case TensorIndexKind.Range:
                    (begin[axis], size[axis]) = Bounds(index.Range, axis, shape);
                    output.Add(size[axis++]);
                    break;
                default:
                    (int start, int count) = index.Resolve(shape.Dims[axis]);
                    if (index.Step == 1 || count <= 1)
                    {
                        (begin[axis], size[axis]) = (count == 0 ? 0 : start, count);
                    }
                    else
                    {
                        steps.Add((axis, start, count, index.Step));
                    }

                    output.Add(count);
                    axis++;
                    break;
            }
        }

        while (axis < rank)
        {
            output.Add(shape.Dims[axis++]);
        }

        Tensor result = size.AsSpan().SequenceEqual(shape.Dims) ? x : Tf.Slice(x, begin, size);
        foreach ((int stepAxis, int start, int count, int step) in steps)
        {
            var positions = new int[count];
            for (int k = 0; k < count; k++)
            {
                positions[k] = start + (k * step);
            }

            result = Tf.Gather(result, Tf.Constant(positions), stepAxis);
        }

        int[] dims = [.. output];
        return result.Shape.Dims.SequenceEqual(dims) ? result : Tf.Reshape(result, dims);
    }

    internal static int Position(Index i, int axis, Shape shape)
    {
        int dim = shape.Dims[axis];
        int position = i.IsFromEnd ? dim - i.Value : i.Value;
        if (position < 0 || position >= dim)
        {
            throw new IndexOutOfRangeException(
                $"Index {i} is out of range for axis {axis} of size {dim} in a tensor of shape {shape} (slice index {i} of dimension {axis} out of bounds).");
        }

        return position;
    }

    internal static (int Begin, int Size) Bounds(Range r, int axis, Shape shape)
    {
        int dim = shape.Dims[axis];
        int start = r.Start.IsFromEnd ? dim - r.Start.Value : r.Start.Value;
        int end = r.End.IsFromEnd ? dim - r.End.Value : r.End.Value;
        if (start < 0 || end > dim || start > end)
        {
            throw new IndexOutOfRangeException(
                $"Range {r} is out of range for axis {axis} of size {dim} in a tensor of shape {shape}.");
        }

        return (start, end - start);
    }
}
