namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddPooling(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["MaxPool"] = One(n => WithSpatialRank2(n.Input(0), x => Pool(n, x, max: true)));
        ops["AveragePool"] = One(n => WithSpatialRank2(n.Input(0), x => Pool(n, x, max: false)));
        ops["GlobalAveragePool"] = One(n => Tf.ReduceMean(n.Input(0), SpatialAxes(n.Input(0)), keepdims: true));
        ops["GlobalMaxPool"] = One(n => Tf.ReduceMax(n.Input(0), SpatialAxes(n.Input(0)), keepdims: true));
    }

    private static int[] SpatialAxes(Tensor x) => [.. Enumerable.Range(2, x.Rank - 2)];

    /// <summary>
    /// MaxPool and AveragePool on NCHW: the ONNX padding (explicit, auto_pad, and the extra end padding of
    /// ceil_mode) is applied first, then a VALID pool; an average divides by the number of real elements in each
    /// window (count_include_pad=0) or also counts the explicit pads (count_include_pad=1).
    /// </summary>
    private static Tensor Pool(NodeContext n, Tensor x, bool max)
    {
        bool oneD = n.Input(0).Rank == 3;
        int[] kernel = Pair(n, "kernel_shape", [1, 1], oneD);
        int[] strides = Pair(n, "strides", [1, 1], oneD);
        if (Pair(n, "dilations", [1, 1], oneD) is not [1, 1])
        {
            throw n.Unsupported("pooling with dilations");
        }

        int[] input = [x.Shape[2], x.Shape[3]];
        (int Begin, int End)[] pads = SpatialPads(n, input, kernel, strides, [1, 1], oneD);
        var ceilExtra = new (int, int)[2];
        if (n.Int("ceil_mode", 0) != 0)
        {
            for (int i = 0; i < 2; i++)
            {
                int padded = input[i] + pads[i].Begin + pads[i].End;
                int outCeil = ((padded - kernel[i] + strides[i] - 1) / strides[i]) + 1;
                // The last window must start inside the input or its left padding (PyTorch's and ONNX's rule).
                if ((outCeil - 1) * strides[i] >= input[i] + pads[i].Begin)
                {
                    outCeil--;
                }

                ceilExtra[i] = (0, Math.Max(((outCeil - 1) * strides[i]) + kernel[i] - padded, 0));
            }
        }

        // Nabla pools floating-point tensors; integers (uint8 images) go through float64, which holds them exactly.
        DType dtype = x.DType;
        Tensor nhwc = Tf.Transpose(dtype.IsFloating ? x : Tf.Cast(x, DType.Float64), [0, 2, 3, 1]);
        Tensor y;
        if (max)
        {
            double lowest = double.NegativeInfinity;
            Tensor padded = PadSpatialNhwc(PadSpatialNhwc(nhwc, pads, lowest), ceilExtra, lowest);
            y = Tf.Nn.MaxPool2D(padded, kernel, strides, "VALID");
        }
        else
        {
            Tensor padded = PadSpatialNhwc(PadSpatialNhwc(nhwc, pads, 0), ceilExtra, 0);
            // The count of each window: ones over the input, the explicit pads counted when count_include_pad=1.
            Tensor ones = Tf.Ones(new Shape(1, input[0], input[1], 1), nhwc.DType);
            double padWeight = n.Int("count_include_pad", 0) != 0 ? 1 : 0;
            Tensor counts = PadSpatialNhwc(PadSpatialNhwc(ones, pads, padWeight), ceilExtra, 0);
            y = Tf.Nn.AvgPool2D(padded, kernel, strides, "VALID") / Tf.Nn.AvgPool2D(counts, kernel, strides, "VALID");
        }

        y = Tf.Transpose(y, [0, 3, 1, 2]);
        return dtype.IsFloating ? y : Tf.Cast(y, dtype);
    }
}
