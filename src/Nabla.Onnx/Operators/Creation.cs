namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddCreation(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Constant"] = One(Constant);
        ops["ConstantOfShape"] = One(n =>
        {
            Tensor value = n.TensorAttribute("value") ?? Tf.Zeros(Shape.Scalar, DType.Float32);
            return Tf.Fill(new Shape(n.StaticInts(0)), Tf.Reshape(value, Shape.Scalar));
        });
        ops["Range"] = One(Range);
        ops["EyeLike"] = One(EyeLike);
        ops["OneHot"] = One(OneHot);
        ops["Pad"] = One(Pad);
    }

    private static Tensor Constant(NodeContext n)
    {
        if (n.TensorAttribute("value") is { } value)
        {
            return value;
        }

        if (n.HasAttribute("value_float"))
        {
            return Tf.Constant(new[] { n.Float("value_float", 0) }, Shape.Scalar);
        }

        if (n.Floats("value_floats") is { } floats && n.HasAttribute("value_floats"))
        {
            return Tf.Constant(floats, new Shape(floats.Length));
        }

        if (n.HasAttribute("value_int"))
        {
            return Tf.Constant(new[] { n.Int("value_int", 0) }, Shape.Scalar);
        }

        if (n.HasAttribute("value_ints"))
        {
            long[] ints = [.. n.Ints("value_ints")!.Select(v => (long)v)];
            return Tf.Constant(ints, new Shape(ints.Length));
        }

        throw n.Unsupported("a constant that is not a dense numeric tensor (sparse_value, value_string)");
    }

    private static Tensor Range(NodeContext n)
    {
        Tensor start = n.Input(0);
        double[] values = [.. Enumerable.Range(0, 3).Select(i => n.StaticDoubles(i)[0])];
        if (start.DType.IsInteger)
        {
            return Tf.Range((int)values[0], (int)values[1], (int)values[2], start.DType);
        }

        // ONNX's count, ceil((limit - start) / delta), computed in the input's precision as ONNX's reference does.
        int count = (int)Math.Max(Math.Ceiling((values[1] - values[0]) / values[2]), 0);
        Tensor steps = Tf.Range(0, count, 1, start.DType);
        return Tf.Reshape(start, Shape.Scalar) + (steps * Tf.Reshape(n.Input(2), Shape.Scalar));
    }

    private static Tensor EyeLike(NodeContext n)
    {
        Tensor x = n.Input(0);
        DType dtype = n.HasAttribute("dtype") ? DTypeAttribute(n, "dtype") : x.DType;
        int k = n.Int32("k", 0);
        int rows = x.Shape[0], columns = x.Shape[1];
        Tensor offset = Tf.Reshape(Tf.Range(0, columns, 1, DType.Int64), [1, columns]) - Tf.Reshape(Tf.Range(0, rows, 1, DType.Int64), [rows, 1]);
        return Tf.Cast(Tf.Equal(offset, Scalar(k, offset)), dtype);
    }

    private static Tensor OneHot(NodeContext n)
    {
        Tensor indices = n.Input(0);
        int depth = (int)n.StaticDoubles(1)[0];
        Tensor values = n.Input(2);
        double[] offOn = n.StaticDoubles(2);
        int axis = n.Int32("axis", -1);
        Tensor index = Tf.Cast(indices.DType.IsFloating ? Tf.Floor(indices) : indices, DType.Int64);
        index = Tf.Where(Tf.Less(index, Scalar(0, index)), index + Scalar(depth, index), index);
        return Tf.OneHot(index, depth, offOn[1], offOn[0], axis == -1 ? -1 : n.Axis(axis, indices.Rank + 1), values.DType);
    }

    /// <summary>ONNX's Pad: "pads" (all begins, then all ends; negative crops), modes constant, reflect and edge.</summary>
    private static Tensor Pad(NodeContext n)
    {
        Tensor x = n.Input(0);
        int rank = x.Rank;
        int[] pads = n.Opset >= 11 ? n.StaticInts(1) : n.Ints("pads")!;
        int[] axes = (n.Opset >= 18 ? n.OptionalStaticInts(3) : null) ?? [.. Enumerable.Range(0, rank)];
        double constant = n.Opset >= 11
            ? n.OptionalInput(2) is null ? 0 : n.StaticDoubles(2)[0]
            : n.Float("value", 0);
        var paddings = new int[rank, 2];
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = n.Axis(axes[i], rank);
            paddings[axis, 0] = pads[i];
            paddings[axis, 1] = pads[i + axes.Length];
        }

        string mode = n.String("mode", "constant");
        Tensor result = x;
        for (int axis = 0; axis < rank; axis++)
        {
            (int before, int after) = (paddings[axis, 0], paddings[axis, 1]);
            if (before == 0 && after == 0)
            {
                continue;
            }

            result = mode switch
            {
                "constant" or "reflect" => PadAxis(result, axis, before, after, mode == "constant" ? "CONSTANT" : "REFLECT", constant),
                "edge" => PadEdge(result, axis, before, after),
                _ => throw n.Unsupported($"mode '{mode}'"),
            };
        }

        return ReferenceEquals(result, x) ? Tf.Identity(x) : result;
    }

    private static Tensor PadAxis(Tensor x, int axis, int before, int after, string mode, double constant)
    {
        x = Crop(x, axis, ref before, ref after);
        var paddings = new int[x.Rank, 2];
        paddings[axis, 0] = before;
        paddings[axis, 1] = after;
        return Tf.Pad(x, paddings, mode, constant);
    }

    private static Tensor PadEdge(Tensor x, int axis, int before, int after)
    {
        x = Crop(x, axis, ref before, ref after);
        int dim = x.Shape[axis];
        var multiples = Enumerable.Repeat(1, x.Rank).ToArray();
        var parts = new List<Tensor>(3);
        if (before > 0)
        {
            multiples[axis] = before;
            parts.Add(Tf.Tile(SliceAxis(x, axis, 0, 1), multiples));
        }

        parts.Add(x);
        if (after > 0)
        {
            multiples[axis] = after;
            parts.Add(Tf.Tile(SliceAxis(x, axis, dim - 1, 1), multiples));
        }

        return Tf.Concat([.. parts], axis);
    }

    /// <summary>Negative pads remove elements: slices them off and leaves the positive pads.</summary>
    private static Tensor Crop(Tensor x, int axis, ref int before, ref int after)
    {
        int cropBefore = Math.Max(-before, 0), cropAfter = Math.Max(-after, 0);
        before = Math.Max(before, 0);
        after = Math.Max(after, 0);
        return cropBefore == 0 && cropAfter == 0 ? x : SliceAxis(x, axis, cropBefore, x.Shape[axis] - cropBefore - cropAfter);
    }

    private static Tensor SliceAxis(Tensor x, int axis, int start, int length)
    {
        var begin = new int[x.Rank];
        int[] size = Enumerable.Repeat(-1, x.Rank).ToArray();
        begin[axis] = start;
        size[axis] = length;
        return Tf.Slice(x, begin, size);
    }
}
