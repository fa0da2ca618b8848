namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddIndexing(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Gather"] = One(n =>
        {
            Tensor data = n.Input(0);
            int axis = n.Axis(n.Int32("axis", 0), data.Rank);
            return Tf.Gather(data, WrapNegative(n.Input(1), data.Shape[axis]), axis);
        });
        ops["GatherElements"] = One(n =>
        {
            Tensor data = n.Input(0);
            int axis = n.Axis(n.Int32("axis", 0), data.Rank);
            return Tf.GatherNd(data, FullIndices(n, WrapNegative(n.Input(1), data.Shape[axis]), axis));
        });
        ops["GatherND"] = One(n => Tf.GatherNd(n.Input(0), WithBatchCoordinates(n.Input(1), n.Int32("batch_dims", 0))));
        ops["ScatterND"] = One(n => Scatter(n, n.Input(1)));
        ops["ScatterElements"] = One(ScatterElements);
        ops["Scatter"] = One(ScatterElements);
        ops["Slice"] = One(Slice);
        ops["Compress"] = One(Compress);
        ops["NonZero"] = One(n => Tf.Transpose(Tf.Cast(Tf.Where(Tf.Cast(n.Input(0), DType.Bool)), DType.Int64)));
        ops["Trilu"] = One(Trilu);
    }

    /// <summary>ONNX's negative indices count from the end of the axis.</summary>
    /// <summary>
    /// GatherND's batch_dims as plain GatherNd: each index tuple gains its batch position in front, so
    /// indices (B..., M..., k) become (B..., M..., batchDims + k) into the whole of data.
    /// </summary>
    private static Tensor WithBatchCoordinates(Tensor indices, int batchDims)
    {
        if (batchDims == 0)
        {
            return indices;
        }

        int[] dims = [.. indices.Shape];
        dims[^1] = 1;
        var parts = new Tensor[batchDims + 1];
        for (int j = 0; j < batchDims; j++)
        {
            var axisShape = new int[dims.Length];
            Array.Fill(axisShape, 1);
            axisShape[j] = dims[j];
            parts[j] = Tf.BroadcastTo(Tf.Reshape(Tf.Range(0, dims[j], 1, DType.Int64), axisShape), new Shape(dims));
        }

        parts[batchDims] = Tf.Cast(indices, DType.Int64);
        return Tf.Concat(parts, dims.Length - 1);
    }

    private static Tensor WrapNegative(Tensor indices, int dim) =>
        Tf.Where(Tf.Less(indices, Scalar(0, indices)), indices + Scalar(dim, indices), indices);

    /// <summary>
    /// For GatherElements/ScatterElements: the full index of every element of <paramref name="indices"/> (its own
    /// position on every axis but <paramref name="axis"/>, where the index is the value), for GatherNd/ScatterNd.
    /// </summary>
    private static Tensor FullIndices(NodeContext n, Tensor indices, int axis)
    {
        int[] dims = KnownShape(n, indices).ToArray();
        var parts = new Tensor[dims.Length];
        for (int j = 0; j < dims.Length; j++)
        {
            if (j == axis)
            {
                parts[j] = Tf.Cast(indices, DType.Int64);
                continue;
            }

            var lineShape = Enumerable.Repeat(1, dims.Length).ToArray();
            lineShape[j] = dims[j];
            parts[j] = Tf.BroadcastTo(Tf.Reshape(Tf.Range(0, dims[j], 1, DType.Int64), lineShape), new Shape(dims));
        }

        return Tf.Stack(parts, -1);
    }

    private static Tensor ScatterElements(NodeContext n)
    {
        Tensor data = n.Input(0);
        int axis = n.Axis(n.Int32("axis", 0), data.Rank);
        return Scatter(n, FullIndices(n, WrapNegative(n.Input(1), data.Shape[axis]), axis));
    }

    private static Tensor Scatter(NodeContext n, Tensor indices)
    {
        Tensor data = n.Input(0), updates = n.Input(2);
        return n.String("reduction", "none") switch
        {
            "none" => Tf.TensorScatterUpdate(data, indices, updates),
            "add" => data + Tf.ScatterNd(indices, updates, data.Shape),
            string other => throw n.Unsupported($"reduction '{other}'"),
        };
    }

    /// <summary>ONNX's Slice (starts, ends, axes, steps; opset 1-9 as attributes), clamped as ONNX clamps.</summary>
    private static Tensor Slice(NodeContext n)
    {
        Tensor x = n.Input(0);
        int[] starts = n.Opset >= 10 ? n.StaticInts(1) : n.Ints("starts")!;
        int[] ends = n.Opset >= 10 ? n.StaticInts(2) : n.Ints("ends")!;
        int[] axes = (n.Opset >= 10 ? n.OptionalStaticInts(3) : n.Ints("axes")) ?? [.. Enumerable.Range(0, starts.Length)];
        int[] steps = (n.Opset >= 10 ? n.OptionalStaticInts(4) : null) ?? [.. Enumerable.Repeat(1, starts.Length)];
        int rank = x.Rank;
        int[] begin = new int[rank], end = new int[rank], strides = Enumerable.Repeat(1, rank).ToArray();
        int beginMask = 0, endMask = 0;
        for (int a = 0; a < rank; a++)
        {
            beginMask |= 1 << a;
            endMask |= 1 << a;
        }

        for (int i = 0; i < axes.Length; i++)
        {
            int axis = n.Axis(axes[i], rank);
            int dim = x.Shape.Dimension(axis) ?? throw n.Unsupported($"slicing unknown dimension {axis} of {x.Shape}");
            int step = steps[i];
            long s = starts[i] < 0 ? (long)starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? (long)ends[i] + dim : ends[i];
            beginMask &= ~(1 << axis);
            endMask &= ~(1 << axis);
            strides[axis] = step;
            if (step > 0)
            {
                begin[axis] = (int)Math.Clamp(s, 0, dim);
                end[axis] = (int)Math.Clamp(e, 0, dim);
            }
            else
            {
                begin[axis] = (int)Math.Clamp(s, 0, dim - 1);
                long clampedEnd = Math.Clamp(e, -1, dim - 1);
                if (clampedEnd < 0)
                {
                    endMask |= 1 << axis;   // "before the first element": StridedSlice would read -1 as the last
                }

                end[axis] = (int)Math.Max(clampedEnd, 0);
            }
        }

        return Tf.StridedSlice(x, begin, end, strides, beginMask, endMask);
    }

    private static Tensor Compress(NodeContext n)
    {
        Tensor x = n.Input(0), condition = Tf.Cast(n.Input(1), DType.Bool);
        int? axisAttr = n.HasAttribute("axis") ? n.Int32("axis", 0) : null;
        Tensor source = axisAttr is null ? Tf.Reshape(x, [-1]) : x;
        int axis = axisAttr is { } a ? n.Axis(a, x.Rank) : 0;
        int dim = source.Shape[axis];
        if (condition.Size < dim)
        {
            // A shorter condition leaves the rest out.
            condition = Tf.Concat([condition, Tf.Zeros(new Shape(dim - condition.Size), DType.Bool)], 0);
        }

        return Tf.BooleanMask(source, condition.Size > dim ? Tf.Slice(condition, [0], [dim]) : condition, axis);
    }

    /// <summary>The upper (j - i ≥ k) or lower (j - i ≤ k) triangle of the last two axes, zero elsewhere.</summary>
    private static Tensor Trilu(NodeContext n)
    {
        Tensor x = n.Input(0);
        int k = n.OptionalInput(1) is null ? 0 : n.StaticInts(1)[0];
        int rows = x.Shape[^2], columns = x.Shape[^1];
        Tensor offset = Tf.Reshape(Tf.Range(0, columns, 1, DType.Int64), [1, columns]) - Tf.Reshape(Tf.Range(0, rows, 1, DType.Int64), [rows, 1]);
        Tensor keep = n.Int("upper", 1) != 0 ? Tf.GreaterEqual(offset, Scalar(k, offset)) : Tf.LessEqual(offset, Scalar(k, offset));
        return Tf.Where(keep, x, Tf.ZerosLike(x));
    }
}
