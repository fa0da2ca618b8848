namespace Nabla.Onnx;

/// <summary>
/// The ONNX nodes each Nabla op (by its TensorFlow op type) is written as. Most are one ONNX operator; Nabla's
/// NHWC convolutions and pooling become ONNX's NCHW ones between transposes (ONNX Runtime folds the transpose of
/// a weight into the initializer when it loads the model).
/// </summary>
internal static class ExportOps
{
    private static readonly Dictionary<string, string> s_oneToOne = new(StringComparer.Ordinal)
    {
        ["AddV2"] = "Add", ["Sub"] = "Sub", ["Mul"] = "Mul", ["RealDiv"] = "Div", ["Maximum"] = "Max", ["Minimum"] = "Min",
        ["Pow"] = "Pow", ["Neg"] = "Neg", ["Abs"] = "Abs", ["Exp"] = "Exp", ["Log"] = "Log", ["Sqrt"] = "Sqrt",
        ["Tanh"] = "Tanh", ["Sigmoid"] = "Sigmoid", ["Relu"] = "Relu", ["Erf"] = "Erf", ["Sin"] = "Sin", ["Cos"] = "Cos",
        ["Tan"] = "Tan", ["Asin"] = "Asin", ["Acos"] = "Acos", ["Atan"] = "Atan", ["Sinh"] = "Sinh", ["Cosh"] = "Cosh",
        ["Asinh"] = "Asinh", ["Acosh"] = "Acosh", ["Atanh"] = "Atanh", ["Floor"] = "Floor", ["Ceil"] = "Ceil",
        ["Round"] = "Round", ["Sign"] = "Sign", ["Reciprocal"] = "Reciprocal", ["Equal"] = "Equal", ["Greater"] = "Greater",
        ["GreaterEqual"] = "GreaterOrEqual", ["Less"] = "Less", ["LessEqual"] = "LessOrEqual", ["LogicalAnd"] = "And",
        ["LogicalOr"] = "Or", ["LogicalNot"] = "Not", ["Identity"] = "Identity", ["StopGradient"] = "Identity",
        ["Elu"] = "Elu", ["Selu"] = "Selu", ["Softplus"] = "Softplus", ["IsNan"] = "IsNaN", ["SelectV2"] = "Where",
    };

    private static readonly Dictionary<string, string> s_reductions = new(StringComparer.Ordinal)
    {
        ["Sum"] = "ReduceSum", ["Mean"] = "ReduceMean", ["Max"] = "ReduceMax", ["Min"] = "ReduceMin", ["Prod"] = "ReduceProd",
    };

    private static readonly string[] s_composite =
        ["Square", "Rsqrt", "LeakyRelu", "MatMul", "Reshape", "Transpose", "Softmax", "LogSoftmax", "Cast", "ConcatV2", "Conv2D", "MaxPool", "AvgPool",
         "GatherV2", "Slice", "PadV2", "NotEqual", "Any", "All", "ReverseV2", "Cumsum"];

    /// <summary>The Nabla op types the exporter writes.</summary>
    public static IReadOnlyList<string> Exportable { get; } =
        [.. s_oneToOne.Keys.Concat(s_reductions.Keys).Concat(s_composite).Concat(ExportRecurrent.OpTypes).Order(StringComparer.Ordinal)];

    public static void Write(GraphWriter w, GraphOperation op)
    {
        string[] inputs = [.. op.Inputs.Select(w.NameOf)];
        string output = w.NameOf(op.Id);
        if (s_oneToOne.TryGetValue(op.Type, out string? onnx))
        {
            w.AddNode(onnx, op.Name, inputs, output);
            return;
        }

        if (s_reductions.TryGetValue(op.Type, out string? reduction))
        {
            Reduce(w, op, reduction, inputs[0], output);
            return;
        }

        switch (op.Type)
        {
            case "Square":
                w.AddNode("Mul", op.Name, [inputs[0], inputs[0]], output);
                break;
            case "Rsqrt":
                string root = w.Unique(op.Name + "/sqrt");
                w.AddNode("Sqrt", root, [inputs[0]], root);
                w.AddNode("Reciprocal", op.Name, [root], output);
                break;
            case "LeakyRelu":
                w.AddNode("LeakyRelu", op.Name, inputs, output, GraphWriter.Attribute("alpha", (float)(double)op.Attributes["alpha"]));
                break;
            case "MatMul":
                MatMul(w, op, inputs, output);
                break;
            case "Reshape" when op.Attributes.ContainsKey("shape"):
                Reshape(w, op, inputs[0], output);
                break;
            case "Reshape":
                throw new NotSupportedException(
                    $"ONNX export: reshape '{op.Name}' takes its target shape from dimensions known only when the graph runs "
                    + $"(output {op.Output.Shape}, traced with unknown dimensions); export a function traced with known shapes, or with only the batch unknown.");
            case "Transpose":
                w.AddNode("Transpose", op.Name, inputs, output, GraphWriter.Attribute("perm", ((int[])op.Attributes["perm"]).Select(p => (long)p)));
                break;
            case "Softmax" or "LogSoftmax":
                w.AddNode(op.Type, op.Name, inputs, output, GraphWriter.Attribute("axis", (int)op.Attributes["axis"]));
                break;
            case "Cast":
                w.AddNode("Cast", op.Name, inputs, output, GraphWriter.Attribute("to", OnnxTensors.ElementType((DType)op.Attributes["DstT"])));
                break;
            case "ConcatV2":
                w.AddNode("Concat", op.Name, inputs, output, GraphWriter.Attribute("axis", (int)op.Attributes["axis"]));
                break;
            case "Conv2D" or "MaxPool" or "AvgPool":
                Window(w, op, inputs, output);
                break;
            case "GatherV2":
                w.AddNode("Gather", op.Name, inputs, output, GraphWriter.Attribute("axis", (int)op.Attributes["axis"]));
                break;
            case "Slice":
                Slice(w, op, inputs[0], output);
                break;
            case "PadV2":
                // ONNX's pads list every axis's start, then every axis's end; the constant is PadV2's second input.
                long[] pads = [.. ((int[])op.Attributes["before"]).Concat((int[])op.Attributes["after"]).Select(p => (long)p)];
                w.AddNode("Pad", op.Name, [inputs[0], w.Int64Constant(op.Name + "/pads", pads), inputs[1]], output);
                break;
            case "NotEqual":
                string equal = w.Unique(op.Name + "/equal");
                w.AddNode("Equal", equal, inputs, equal);
                w.AddNode("Not", op.Name, [equal], output);
                break;
            case "Any" or "All":
                // ONNX's reductions take no bool: as 0/1 floats, the largest (any) or smallest (all), back to bool.
                string numbers = w.Unique(op.Name + "/as_float");
                w.AddNode("Cast", numbers, inputs, numbers, GraphWriter.Attribute("to", OnnxTensors.ElementType(DType.Float32)));
                string reduced = w.Unique(op.Name + "/reduced");
                Reduce(w, op, op.Type == "Any" ? "ReduceMax" : "ReduceMin", numbers, reduced);
                w.AddNode("Cast", w.Unique(op.Name + "/as_bool"), [reduced], output, GraphWriter.Attribute("to", OnnxTensors.ElementType(DType.Bool)));
                break;
            case "ReverseV2":
                // A Slice with step -1 from the last element past the first along each reversed axis.
                long[] reversed = [.. ((int[])op.Attributes["axis"]).Select(a => (long)a)];
                w.AddNode("Slice", op.Name, [inputs[0], w.Int64Constant(op.Name + "/starts", [.. reversed.Select(_ => -1L)]),
                    w.Int64Constant(op.Name + "/ends", [.. reversed.Select(_ => long.MinValue)]), w.Int64Constant(op.Name + "/axes", reversed),
                    w.Int64Constant(op.Name + "/steps", [.. reversed.Select(_ => -1L)])], output);
                break;
            case "Cumsum":
                w.AddNode("CumSum", op.Name, [inputs[0], w.TensorConstant(op.Name + "/axis", Tf.Constant(new[] { (long)(int)op.Attributes["axis"] }, Shape.Scalar))],
                    output, GraphWriter.Attribute("exclusive", (bool)op.Attributes["exclusive"] ? 1 : 0), GraphWriter.Attribute("reverse", (bool)op.Attributes["reverse"] ? 1 : 0));
                break;
            case "Lstm" or "Gru" or "SimpleRnn":
                ExportRecurrent.Write(w, op, inputs, output);
                break;
            default:
                throw new NotSupportedException(
                    $"ONNX export: op '{op.Type}' (node '{op.Name}') has no ONNX counterpart in Nabla's exporter. Exportable ops: {string.Join(", ", Exportable)}.");
        }
    }

    private static void Reduce(GraphWriter w, GraphOperation op, string onnx, string input, string output)
    {
        var axes = (int[])op.Attributes["axis"];
        var keepDims = GraphWriter.Attribute("keepdims", (bool)op.Attributes["keep_dims"] ? 1 : 0);
        if (axes.Length == 0)
        {
            w.AddNode(onnx, op.Name, [input], output, keepDims);   // no axes: all of them
        }
        else if (onnx == "ReduceSum")
        {
            // Opset 13 moved ReduceSum's axes to an input; the other reductions take them as an attribute until opset 18.
            w.AddNode(onnx, op.Name, [input, w.Int64Constant(op.Name + "/axes", [.. axes.Select(a => (long)a)])], output, keepDims);
        }
        else
        {
            w.AddNode(onnx, op.Name, [input], output, keepDims, GraphWriter.Attribute("axes", axes.Select(a => (long)a)));
        }
    }

    // Only the axes cut short are written: an axis taken whole (the batch, traced at a known size) stays whole, whatever its size.
    private static void Slice(GraphWriter w, GraphOperation op, string input, string output)
    {
        var begin = (int[])op.Attributes["begin"];
        var size = (int[])op.Attributes["size"];
        Shape inputShape = w.Operation(op.Inputs[0]).Output.Shape;
        var starts = new List<long>();
        var ends = new List<long>();
        var axes = new List<long>();
        for (int axis = 0; axis < begin.Length; axis++)
        {
            bool whole = begin[axis] == 0 && inputShape.Dimension(axis) is int dim && size[axis] == dim;
            if (!whole)
            {
                starts.Add(begin[axis]);
                ends.Add(begin[axis] + size[axis]);
                axes.Add(axis);
            }
        }

        w.AddNode("Slice", op.Name, [input, w.Int64Constant(op.Name + "/starts", [.. starts]), w.Int64Constant(op.Name + "/ends", [.. ends]),
            w.Int64Constant(op.Name + "/axes", [.. axes])], output);
    }

    private static void MatMul(GraphWriter w, GraphOperation op, string[] inputs, string output)
    {
        string[] operands = [.. inputs];
        string[] flags = ["transpose_a", "transpose_b"];
        for (int i = 0; i < 2; i++)
        {
            if (!(bool)op.Attributes[flags[i]])
            {
                continue;
            }

            int rank = w.Operation(op.Inputs[i]).Output.Shape.Rank;
            long[] perm = [.. Enumerable.Range(0, rank).Select(a => (long)a)];
            (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
            string transposed = w.Unique($"{op.Name}/{flags[i]}");
            w.AddNode("Transpose", transposed, [operands[i]], transposed, GraphWriter.Attribute("perm", perm));
            operands[i] = transposed;
        }

        w.AddNode("MatMul", op.Name, operands, output);
    }

    private static void Reshape(GraphWriter w, GraphOperation op, string input, string output)
    {
        long[] shape = [.. ((int[])op.Attributes["shape"]).Select(d => (long)d)];
        if (w.TracedBatch is { } batch && shape.Length > 0 && shape[0] == batch
            && w.Operation(op.Inputs[0]).Output.Shape is { Rank: > 0 } inputShape && inputShape.Dimension(0) is int first && first % batch == 0)
        {
            // The traced batch carried through (or unfolded from the first axis, as a recurrent layer's input
            // projection is): symbolic again, and any other inferred dimension spelled out (ONNX allows one -1), from
            // the output's shape, which the concrete batch made known.
            shape[0] = -1;
            for (int i = 1; i < shape.Length; i++)
            {
                shape[i] = shape[i] == -1 ? op.Output.Shape[i] : shape[i];
            }
        }

        // Nabla's 0 is an empty dimension; ONNX reads 0 as "copy the input's" unless allowzero=1.
        var attributes = shape.Contains(0) ? new[] { GraphWriter.Attribute("allowzero", 1) } : [];
        w.AddNode("Reshape", op.Name, [input, w.Int64Constant(op.Name + "/shape", shape)], output, attributes);
    }

    /// <summary>Conv2D, MaxPool and AvgPool: NHWC in and out, ONNX's NCHW (and OIHW kernels) inside.</summary>
    private static void Window(GraphWriter w, GraphOperation op, string[] inputs, string output)
    {
        IReadOnlyDictionary<string, object> a = op.Attributes;
        var strides = (int[])a["strides"];
        var attributes = new List<Protobuf.AttributeProto>
        {
            GraphWriter.Attribute("strides", [strides[1], strides[2]]),
            GraphWriter.Attribute("auto_pad", (string)a["padding"] == "SAME" ? "SAME_UPPER" : "VALID"),
        };
        string nchw = w.Unique(op.Name + "/to_nchw");
        w.AddNode("Transpose", nchw, [inputs[0]], nchw, GraphWriter.Attribute("perm", [0, 3, 1, 2]));
        string[] operands = [nchw];
        string onnx;
        if (op.Type == "Conv2D")
        {
            onnx = "Conv";
            var dilations = (int[])a["dilations"];
            attributes.Add(GraphWriter.Attribute("dilations", [dilations[1], dilations[2]]));
            Shape kernel = w.Operation(op.Inputs[1]).Output.Shape;
            attributes.Add(GraphWriter.Attribute("kernel_shape", [kernel[0], kernel[1]]));
            string oihw = w.Unique(op.Name + "/kernel_oihw");
            w.AddNode("Transpose", oihw, [inputs[1]], oihw, GraphWriter.Attribute("perm", [3, 2, 0, 1]));
            operands = [nchw, oihw];
        }
        else
        {
            onnx = op.Type == "MaxPool" ? "MaxPool" : "AveragePool";
            var ksize = (int[])a["ksize"];
            attributes.Add(GraphWriter.Attribute("kernel_shape", [ksize[1], ksize[2]]));
        }

        string result = w.Unique(op.Name + "/nchw");
        w.AddNode(onnx, op.Name, operands, result, [.. attributes]);
        w.AddNode("Transpose", w.Unique(op.Name + "/to_nhwc"), [result], output, GraphWriter.Attribute("perm", [0, 2, 3, 1]));
    }
}
