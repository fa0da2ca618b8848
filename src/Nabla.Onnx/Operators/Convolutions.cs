namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddConvolutions(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Conv"] = One(n => WithSpatialRank2(n.Input(0), x => Conv(n, x, Spatial2(n.Input(1)), n.OptionalInput(2))));
        ops["ConvTranspose"] = One(n => WithSpatialRank2(n.Input(0), x => ConvTranspose(n, x, Spatial2(n.Input(1)))));
    }

    /// <summary>Runs a 2-D implementation on a 1-D (N, C, L) input as (N, C, 1, L); 2-D inputs pass through.</summary>
    private static Tensor WithSpatialRank2(Tensor x, Func<Tensor, Tensor> run) => x.Rank switch
    {
        3 => Tf.Squeeze(run(Tf.ExpandDims(x, 2)), [2]),
        4 => run(x),
        _ => throw new NotSupportedException($"ONNX import: convolutions and pooling of {x.Rank - 2}-D inputs (shape {x.Shape}) are not supported; 1-D and 2-D are."),
    };

    private static Tensor Spatial2(Tensor w) => w.Rank == 3 ? Tf.ExpandDims(w, 2) : w;

    /// <summary>A 2-D list attribute (kernel_shape, strides...) with a 1-D model's single value widened to (1, v).</summary>
    private static int[] Pair(NodeContext n, string name, int[] defaultValue, bool oneD)
    {
        int[]? v = n.Ints(name);
        return v is null ? defaultValue : oneD && v.Length == 1 ? [1, v[0]] : v;
    }

    /// <summary>ONNX's pads (begin per axis, then end per axis) widened to 2-D for a 1-D model.</summary>
    private static int[] Pads(NodeContext n, bool oneD)
    {
        int[]? v = n.Ints("pads");
        return v is null ? [0, 0, 0, 0] : oneD && v.Length == 2 ? [0, v[0], 0, v[1]] : v;
    }

    /// <summary>The (begin, end) padding of each spatial axis, from explicit pads or auto_pad, as ONNX computes them.</summary>
    private static (int Begin, int End)[] SpatialPads(NodeContext n, int[] input, int[] kernel, int[] strides, int[] dilations, bool oneD)
    {
        string autoPad = n.String("auto_pad", "NOTSET");
        int[] pads = Pads(n, oneD);
        var result = new (int, int)[2];
        for (int i = 0; i < 2; i++)
        {
            int effective = ((kernel[i] - 1) * dilations[i]) + 1;
            switch (autoPad)
            {
                case "NOTSET":
                    result[i] = (pads[i], pads[i + 2]);
                    break;
                case "VALID":
                    result[i] = (0, 0);
                    break;
                case "SAME_UPPER" or "SAME_LOWER":
                    int output = (input[i] + strides[i] - 1) / strides[i];
                    int total = Math.Max(((output - 1) * strides[i]) + effective - input[i], 0);
                    int small = total / 2;
                    result[i] = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                    break;
                default:
                    throw n.Unsupported($"auto_pad '{autoPad}'");
            }
        }

        return result;
    }

    private static Tensor PadSpatialNhwc(Tensor x, (int Begin, int End)[] pads, double value)
    {
        if (pads.All(p => p is (0, 0)))
        {
            return x;
        }

        var paddings = new int[4, 2];
        for (int i = 0; i < 2; i++)
        {
            (paddings[i + 1, 0], paddings[i + 1, 1]) = pads[i];
        }

        return Tf.Pad(x, paddings, value);
    }

    private static Tensor Conv(NodeContext n, Tensor x, Tensor w, Tensor? bias)
    {
        bool oneD = n.Input(0).Rank == 3;
        int[] kernel = [w.Shape[2], w.Shape[3]];
        int[] strides = Pair(n, "strides", [1, 1], oneD), dilations = Pair(n, "dilations", [1, 1], oneD);
        int group = n.Int32("group", 1);
        int channels = x.Shape[1], outChannels = w.Shape[0];
        (int, int)[] pads = SpatialPads(n, [x.Shape[2], x.Shape[3]], kernel, strides, dilations, oneD);
        Tensor nhwc = PadSpatialNhwc(Tf.Transpose(x, [0, 2, 3, 1]), pads, 0);
        Tensor hwio = Tf.Transpose(w, [2, 3, 1, 0]);
        Tensor y;
        if (group == 1)
        {
            y = Tf.Nn.Conv2D(nhwc, hwio, strides, "VALID", dilations);
        }
        else if (group == channels && w.Shape[1] == 1)
        {
            // Depthwise: output channel c·m + j reads input channel c, which is DepthwiseConv2D's filter order.
            Tensor filter = Tf.Reshape(Tf.Transpose(w, [2, 3, 0, 1]), [kernel[0], kernel[1], channels, outChannels / channels]);
            y = Tf.Nn.DepthwiseConv2D(nhwc, filter, [1, strides[0], strides[1], 1], "VALID", dilations);
        }
        else
        {
            Tensor[] inputs = Tf.Split(nhwc, group, 3), filters = Tf.Split(hwio, group, 3);
            y = Tf.Concat([.. inputs.Select((part, g) => Tf.Nn.Conv2D(part, filters[g], strides, "VALID", dilations))], 3);
        }

        y = Tf.Transpose(y, [0, 3, 1, 2]);
        return bias is null ? y : y + Tf.Reshape(bias, [1, outChannels, 1, 1]);
    }

    private static Tensor ConvTranspose(NodeContext n, Tensor x, Tensor w)
    {
        bool oneD = n.Input(0).Rank == 3;
        if (n.Int32("group", 1) != 1)
        {
            throw n.Unsupported("group other than 1");
        }

        int[] kernel = [w.Shape[2], w.Shape[3]];
        int[] strides = Pair(n, "strides", [1, 1], oneD), dilations = Pair(n, "dilations", [1, 1], oneD);
        int[] outputPadding = Pair(n, "output_padding", [0, 0], oneD);
        int[]? outputShape = n.Ints("output_shape") is { } os ? (oneD && os.Length == 1 ? [1, os[0]] : os[^2..]) : null;
        int outChannels = w.Shape[1];
        int[] full = new int[2];
        var pads = new (int Begin, int End)[2];
        int[] explicitPads = Pads(n, oneD);
        string autoPad = n.String("auto_pad", "NOTSET");
        for (int i = 0; i < 2; i++)
        {
            full[i] = ((x.Shape[i + 2] - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1;
            if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                int target = outputShape?[i] ?? x.Shape[i + 2] * strides[i];
                int total = full[i] + outputPadding[i] - target;
                int half = (int)Math.Floor(total / 2.0);   // Python's floor division, as ONNX's reference
                pads[i] = autoPad == "SAME_UPPER" ? (half, total - half) : (total - half, half);
            }
            else
            {
                pads[i] = autoPad == "VALID" ? (0, 0) : (explicitPads[i], explicitPads[i + 2]);
            }
        }

        Tensor nhwc = Tf.Transpose(x, [0, 2, 3, 1]);
        Tensor filters = Tf.Transpose(w, [2, 3, 1, 0]);   // (kH, kW, out, in)
        Tensor y = Tf.Nn.Conv2DTranspose(nhwc, filters, [x.Shape[0], full[0], full[1], outChannels], strides, "VALID", dilations);
        y = Tf.Transpose(y, [0, 3, 1, 2]);
        for (int i = 0; i < 2; i++)
        {
            // output_padding adds zeros at the end; pads remove from each side (negative pads add zeros).
            y = PadAxis(y, i + 2, -pads[i].Begin, outputPadding[i] - pads[i].End, "CONSTANT", 0);
        }

        return n.OptionalInput(2) is { } bias ? y + Tf.Reshape(bias, [1, outChannels, 1, 1]) : y;
    }
}
