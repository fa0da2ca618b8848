namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddShapeOps(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Reshape"] = One(Reshape);
        ops["Shape"] = One(ShapeOf);
        ops["Size"] = One(n => Tf.Constant(new[] { (long)KnownShape(n, n.Input(0)).Size }, Shape.Scalar));
        ops["Flatten"] = One(Flatten);
        ops["Squeeze"] = One(n =>
        {
            Tensor x = n.Input(0);
            int[]? axes = n.Opset >= 13 ? n.OptionalStaticInts(1) : n.Ints("axes");
            return Tf.Squeeze(x, axes is null ? null : Array.ConvertAll(axes, a => n.Axis(a, x.Rank)));
        });
        ops["Unsqueeze"] = One(Unsqueeze);
        ops["Concat"] = One(n =>
        {
            Tensor[] values = [.. Enumerable.Range(0, n.InputCount).Select(n.Input)];
            return Tf.Concat(values, n.Axis(n.Int32("axis", 0), values[0].Rank));
        });
        ops["Split"] = Split;
        ops["Transpose"] = One(n => Tf.Transpose(n.Input(0), n.Ints("perm") ?? ReversedAxes(n.Input(0).Rank)));
        ops["Expand"] = One(n => Tf.BroadcastTo(n.Input(0), BroadcastShape(n.Input(0).Shape.ToArray(), n.StaticInts(1))));
        ops["Tile"] = One(n => Tf.Tile(n.Input(0), n.StaticInts(1)));
        ops["DepthToSpace"] = One(DepthToSpace);
        ops["SpaceToDepth"] = One(SpaceToDepth);
        ops["Dropout"] = Dropout;
    }

    private static Tensor Reshape(NodeContext n)
    {
        Tensor x = n.Input(0);
        int[] shape = n.Opset >= 5 ? n.StaticInts(1) : n.Ints("shape") ?? [];
        bool allowZero = n.Int("allowzero", 0) != 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !allowZero)
            {
                // 0 copies the input's dimension (an unknown one, in a trace, becomes the one inferred).
                shape[i] = i < x.Rank ? x.Shape[i] : throw new ArgumentException($"{n.What}: 0 at axis {i} has no input dimension to copy (input {x.Shape}).");
            }
        }

        return Tf.Reshape(x, shape);
    }

    private static Shape KnownShape(NodeContext n, Tensor x) => x.Shape.IsFullyDefined
        ? x.Shape
        : throw n.Unsupported($"the shape of a tensor with unknown dimensions ({x.Shape}) in a traced function");

    private static Tensor ShapeOf(NodeContext n)
    {
        int[] dims = KnownShape(n, n.Input(0)).ToArray();
        int rank = dims.Length;
        int start = n.Int32("start", 0), end = n.Int32("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        int[] kept = end > start ? dims[start..end] : [];
        return Int64s(kept);
    }

    private static Tensor Flatten(NodeContext n)
    {
        Tensor x = n.Input(0);
        int axis = n.Int32("axis", 1);
        axis = axis < 0 ? axis + x.Rank : axis;
        long outer = 1, inner = 1;
        bool outerKnown = true;
        for (int i = 0; i < x.Rank; i++)
        {
            int d = x.Shape.Dimension(i) ?? -1;
            if (i < axis)
            {
                outerKnown &= d >= 0;
                outer *= Math.Max(d, 1);
            }
            else
            {
                inner *= d >= 0 ? d : throw n.Unsupported($"flattening unknown dimension {i} of {x.Shape}");
            }
        }

        return Tf.Reshape(x, [outerKnown ? (int)outer : -1, (int)inner]);
    }

    private static Tensor Unsqueeze(NodeContext n)
    {
        Tensor x = n.Input(0);
        int[] axes = (n.Opset >= 13 ? n.StaticInts(1) : n.Ints("axes")) ?? [];
        int outRank = x.Rank + axes.Length;
        int[] sorted = [.. axes.Select(a => n.Axis(a, outRank)).Order()];
        Tensor result = x;
        foreach (int a in sorted)
        {
            result = Tf.ExpandDims(result, a);
        }

        return ReferenceEquals(result, x) ? Tf.Identity(x) : result;
    }

    private static Tensor[] Split(NodeContext n)
    {
        Tensor x = n.Input(0);
        int axis = n.Axis(n.Int32("axis", 0), x.Rank);
        int[]? sizes = n.Opset >= 13 ? n.OptionalStaticInts(1) : n.Ints("split");
        if (sizes is null || sizes.Length == 0)
        {
            int parts = n.OutputCount;
            int dim = x.Shape[axis];
            if (dim % parts == 0)
            {
                return Tf.Split(x, parts, axis);
            }

            // Opset 18's num_outputs: equal parts, the last one smaller.
            int each = (dim + parts - 1) / parts;
            sizes = [.. Enumerable.Range(0, parts).Select(i => Math.Min(each, dim - (i * each)))];
        }

        return Tf.Split(x, sizes, axis);
    }

    /// <summary>NumPy's broadcast of two shapes (Expand's rule: the target may be smaller than the input).</summary>
    private static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            result[i] = da == 1 ? db : db == 1 ? da : da == db ? da
                : throw new ArgumentException($"Expand: shapes ({string.Join(", ", a)}) and ({string.Join(", ", b)}) do not broadcast.");
        }

        return result;
    }

    private static Tensor DepthToSpace(NodeContext n)
    {
        Tensor x = n.Input(0);
        int b = n.Int32("blocksize", 1);
        (int batch, int c, int h, int w) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        bool crd = n.String("mode", "DCR") == "CRD";
        Tensor t = crd
            ? Tf.Transpose(Tf.Reshape(x, [batch, c / (b * b), b, b, h, w]), [0, 1, 4, 2, 5, 3])
            : Tf.Transpose(Tf.Reshape(x, [batch, b, b, c / (b * b), h, w]), [0, 3, 4, 1, 5, 2]);
        return Tf.Reshape(t, [batch, c / (b * b), h * b, w * b]);
    }

    private static Tensor SpaceToDepth(NodeContext n)
    {
        Tensor x = n.Input(0);
        int b = n.Int32("blocksize", 1);
        (int batch, int c, int h, int w) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        Tensor t = Tf.Transpose(Tf.Reshape(x, [batch, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
        return Tf.Reshape(t, [batch, c * b * b, h / b, w / b]);
    }

    /// <summary>Dropout at inference (the identity, with an all-true mask); training-mode Dropout is random, so refused.</summary>
    private static Tensor[] Dropout(NodeContext n)
    {
        Tensor x = n.Input(0);
        bool training = n.OptionalInput(2) is { } mode && n.StaticInts(2)[0] != 0;
        double ratio = n.OptionalInput(1) is null ? n.Float("ratio", 0.5f) : n.StaticDoubles(1)[0];
        if (training && ratio != 0)
        {
            throw n.Unsupported("training-mode Dropout (its mask is random)");
        }

        return n.WantsOutput(1) ? [Tf.Identity(x), Tf.OnesLike(x, DType.Bool)] : [Tf.Identity(x)];
    }
}
