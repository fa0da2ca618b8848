namespace Nabla.Onnx;

/// <summary>
/// ONNX's Resize (and Upsample, its opset 7-9 form): separable interpolation, one axis at a time. For each resized
/// axis the host computes, from the shapes and attributes only, which input elements every output element reads
/// and with what weights, exactly as ONNX's reference (onnx/backend/test/case/node/resize.py) does: the coordinate
/// transformation, then the 2 (nearest, linear) or 4 (cubic) neighbours of the edge-padded axis. Nearest becomes a
/// Gather (exact for every dtype); linear and cubic a product with an (input × output) weight matrix, so the result
/// is differentiable with respect to the data and traces like any other op.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddResize(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Resize"] = One(Resize);
        ops["Upsample"] = One(Resize);
    }

    private sealed record ResizeSettings(string Mode, string Transformation, string NearestMode, double CubicA, bool ExcludeOutside, double Extrapolation);

    private static Tensor Resize(NodeContext n)
    {
        Tensor x = n.Input(0);
        Shape shape = KnownShape(n, x);
        int rank = shape.Rank;
        // Upsample and Resize-10 take (X, scales) and behave as the asymmetric transformation with floor rounding.
        bool legacy = n.Node.OpType == "Upsample" || n.Opset < 11;
        ResizeSettings settings = legacy
            ? new(n.String("mode", "nearest"), "asymmetric", "floor", -0.75, false, 0)
            : new(n.String("mode", "nearest"), n.String("coordinate_transformation_mode", "half_pixel"),
                n.String("nearest_mode", "round_prefer_floor"), n.Float("cubic_coeff_a", -0.75f), n.Int("exclude_outside", 0) != 0,
                n.Float("extrapolation_value", 0f));
        if (settings.Mode is not ("nearest" or "linear" or "cubic"))
        {
            throw n.Unsupported($"mode '{settings.Mode}'");
        }

        double[]? scales = legacy ? (n.Node.OpType == "Upsample" && n.Opset < 9 ? n.Floats("scales")?.Select(f => (double)f).ToArray() : NonEmptyDoubles(n, 1))
            : NonEmptyDoubles(n, 2);
        int[]? sizes = legacy ? null : (n.OptionalInput(3) is { } s && s.Shape.Size > 0 ? n.StaticInts(3) : null);
        double[]? roi = !legacy && settings.Transformation == "tf_crop_and_resize" ? NonEmptyDoubles(n, 1) : null;
        if ((scales is null) == (sizes is null))
        {
            throw new ArgumentException($"{n.What}: exactly one of 'scales' and 'sizes' must be given.");
        }

        if ((scales?.Length ?? sizes!.Length) != rank || (roi is not null && roi.Length != 2 * rank))
        {
            throw new ArgumentException($"{n.What}: scales/sizes need {rank} values and roi {2 * rank} for an input of shape {shape}.");
        }

        Tensor? inside = null;
        for (int axis = 0; axis < rank; axis++)
        {
            int inLength = shape[axis];
            int outLength = sizes?[axis] ?? (int)Math.Floor(scales![axis] * inLength);
            double scale = sizes is not null ? (double)sizes[axis] / inLength : scales![axis];
            if (outLength <= 0 || inLength <= 0 || scale <= 0)
            {
                throw new ArgumentException($"{n.What}: axis {axis} of length {inLength} cannot be resized to {outLength} (scale {scale}).");
            }

            (double Begin, double End) axisRoi = roi is null ? (0, 1) : (roi[axis], roi[axis + rank]);
            double[] weights = ResizeWeights(settings, inLength, outLength, scale, axisRoi, out bool[] outside);
            if (IsIdentity(weights, inLength, outLength))
            {
                continue;
            }

            x = settings.Mode == "nearest" ? Tf.Gather(x, NearestIndices(weights, inLength, outLength), axis) : ApplyWeights(x, weights, inLength, outLength, axis);
            if (outside.Contains(true))
            {
                var lineShape = Enumerable.Repeat(1, rank).ToArray();
                lineShape[axis] = outLength;
                Tensor axisInside = Tf.Constant(Array.ConvertAll(outside, o => o ? 0f : 1f), new Shape(lineShape));
                inside = inside is null ? axisInside : inside * axisInside;
            }
        }

        // tf_crop_and_resize: a point outside the region in any axis takes the extrapolation value.
        if (inside is null)
        {
            return x;
        }

        Tensor mask = Tf.Cast(inside, x.DType);
        return (x * mask) + (Scalar(settings.Extrapolation, x) * (Scalar(1, x) - mask));
    }

    private static double[]? NonEmptyDoubles(NodeContext n, int index) =>
        n.OptionalInput(index) is { } t && t.Shape.Size > 0 ? n.StaticDoubles(index) : null;

    /// <summary>
    /// The (output × input) weights of one axis, row-major: row o holds the coefficients with which output o reads
    /// the input. <paramref name="outside"/> marks the outputs that tf_crop_and_resize places outside the input.
    /// </summary>
    private static double[] ResizeWeights(ResizeSettings s, int inLength, int outLength, double scale, (double Begin, double End) roi, out bool[] outside)
    {
        var weights = new double[outLength * inLength];
        outside = new bool[outLength];
        double outWidth = scale * inLength; // ONNX's reference uses the unrounded output length
        int taps = s.Mode == "cubic" ? 4 : 2;
        int pad = taps / 2;
        Span<double> coefficients = stackalloc double[4];
        for (int o = 0; o < outLength; o++)
        {
            double position = OriginalCoordinate(s.Transformation, o, scale, inLength, outWidth, roi);
            if (s.Transformation == "tf_crop_and_resize" && (position < 0 || position > inLength - 1))
            {
                outside[o] = true;
                continue;
            }

            double floor = Math.Floor(position);
            bool whole = position == floor;
            double ratio = whole ? 1 : position - floor;
            Coefficients(s, ratio, whole, coefficients[..taps]);
            // The `taps` nearest indices of the edge-padded axis (ties to the smaller one), as in ONNX's reference.
            int first = (whole ? (int)floor - pad : (int)floor - pad + 1) + pad;
            first = Math.Clamp(first, 0, inLength + (2 * pad) - taps) - pad;
            double total = 0;
            for (int k = 0; k < taps; k++)
            {
                int index = first + k;
                if (s.ExcludeOutside && (index < 0 || index >= inLength))
                {
                    coefficients[k] = 0;
                }

                total += coefficients[k];
            }

            for (int k = 0; k < taps; k++)
            {
                double c = s.ExcludeOutside ? coefficients[k] / total : coefficients[k];
                weights[(o * inLength) + Math.Clamp(first + k, 0, inLength - 1)] += c;
            }
        }

        return weights;
    }

    private static double OriginalCoordinate(string transformation, int o, double scale, int inLength, double outWidth, (double Begin, double End) roi) =>
        transformation switch
        {
            "half_pixel" => ((o + 0.5) / scale) - 0.5,
            "pytorch_half_pixel" => outWidth == 1 ? -0.5 : ((o + 0.5) / scale) - 0.5,
            "align_corners" => outWidth == 1 ? 0 : o * (inLength - 1) / (outWidth - 1),
            "asymmetric" => o / scale,
            "tf_half_pixel_for_nn" => (o + 0.5) / scale,
            "tf_crop_and_resize" => (roi.Begin * (inLength - 1))
                + (outWidth == 1 ? (roi.End - roi.Begin) * (inLength - 1) / 2 : o * (roi.End - roi.Begin) * (inLength - 1) / (outWidth - 1)),
            _ => throw new NotSupportedException($"Resize: coordinate_transformation_mode '{transformation}' is not supported by Nabla's ONNX import."),
        };

    /// <summary>The weights of the taps around a position at <paramref name="ratio"/> ∈ (0, 1] past the left tap.</summary>
    private static void Coefficients(ResizeSettings s, double ratio, bool whole, Span<double> c)
    {
        switch (s.Mode)
        {
            case "nearest":
                bool right = whole || s.NearestMode switch
                {
                    "round_prefer_floor" => ratio > 0.5,
                    "round_prefer_ceil" => ratio >= 0.5,
                    "floor" => false,
                    "ceil" => true,
                    _ => throw new NotSupportedException($"Resize: nearest_mode '{s.NearestMode}' is not supported by Nabla's ONNX import."),
                };
                c[0] = right ? 0 : 1;
                c[1] = right ? 1 : 0;
                break;
            case "linear":
                c[0] = 1 - ratio;
                c[1] = ratio;
                break;
            default:
                double a = s.CubicA, r1 = ratio + 1, l = 1 - ratio, l1 = l + 1;
                c[0] = ((((a * r1) - (5 * a)) * r1) + (8 * a)) * r1 - (4 * a);
                c[1] = ((((a + 2) * ratio) - (a + 3)) * ratio * ratio) + 1;
                c[2] = ((((a + 2) * l) - (a + 3)) * l * l) + 1;
                c[3] = ((((a * l1) - (5 * a)) * l1) + (8 * a)) * l1 - (4 * a);
                break;
        }
    }

    private static bool IsIdentity(double[] weights, int inLength, int outLength)
    {
        if (inLength != outLength)
        {
            return false;
        }

        for (int o = 0; o < outLength; o++)
        {
            for (int i = 0; i < inLength; i++)
            {
                if (weights[(o * inLength) + i] != (o == i ? 1 : 0))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>For nearest: the one input index each output row reads (an outside row reads 0 and is masked).</summary>
    private static Tensor NearestIndices(double[] weights, int inLength, int outLength)
    {
        var indices = new long[outLength];
        for (int o = 0; o < outLength; o++)
        {
            for (int i = 0; i < inLength; i++)
            {
                if (weights[(o * inLength) + i] != 0)
                {
                    indices[o] = i;
                }
            }
        }

        return Tf.Constant(indices, new Shape(outLength));
    }

    /// <summary>Contracts <paramref name="axis"/> of x with the (input × output) transposed weights and puts the new axis back.</summary>
    private static Tensor ApplyWeights(Tensor x, double[] weights, int inLength, int outLength, int axis)
    {
        var transposed = new double[inLength * outLength];
        for (int o = 0; o < outLength; o++)
        {
            for (int i = 0; i < inLength; i++)
            {
                transposed[(i * outLength) + o] = weights[(o * inLength) + i];
            }
        }

        Tensor w = Tf.Cast(Tf.Constant(transposed, new Shape(inLength, outLength)), x.DType);
        Tensor contracted = Tf.Tensordot(x, w, [axis], [0]); // the other axes in order, then the new one last
        int rank = x.Rank;
        var perm = new int[rank];
        for (int j = 0, source = 0; j < rank; j++)
        {
            perm[j] = j == axis ? rank - 1 : source++;
        }

        return axis == rank - 1 ? contracted : Tf.Transpose(contracted, perm);
    }
}
