namespace Nabla.Onnx;

/// <summary>
/// ONNX's linear quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer products
/// (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv). Written with Nabla's ops: a product of 8-bit integers
/// minus their zero points runs in float64, where every sum of 8-bit products is exact, and becomes int32; rounding
/// is half to even and the result saturates to the 8-bit range, as ONNX specifies.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddQuantization(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["QuantizeLinear"] = One(n =>
        {
            Tensor x = n.Input(0);
            Tensor? zeroPoint = n.OptionalInput(2);
            Tensor scale = PerAxis(n, n.Input(1), x.Rank);
            return Quantize(Tf.Cast(x, scale.DType) / scale, zeroPoint is null ? null : PerAxis(n, zeroPoint, x.Rank), zeroPoint?.DType ?? DType.UInt8);
        });
        ops["DequantizeLinear"] = One(n =>
        {
            Tensor x = n.Input(0), scale = PerAxis(n, n.Input(1), n.Input(0).Rank);
            Tensor shifted = Tf.Cast(x, scale.DType);
            if (n.OptionalInput(2) is { } zeroPoint)
            {
                shifted -= Tf.Cast(PerAxis(n, zeroPoint, x.Rank), scale.DType);
            }

            return shifted * scale;
        });
        ops["DynamicQuantizeLinear"] = DynamicQuantizeLinear;
        ops["MatMulInteger"] = One(n =>
            Tf.Cast(MatMul(Centered(n.Input(0), RowZeroPoint(n.OptionalInput(2), n.Input(0))), Centered(n.Input(1), n.OptionalInput(3))), DType.Int32));
        ops["ConvInteger"] = One(n =>
        {
            Tensor x = Centered(n.Input(0), n.OptionalInput(2));
            Tensor w = Centered(n.Input(1), ChannelZeroPoint(n.OptionalInput(3), n.Input(1).Rank));
            return Tf.Cast(WithSpatialRank2(x, x2 => Conv(n, x2, Spatial2(w), bias: null)), DType.Int32);
        });
        ops["QLinearMatMul"] = One(n =>
        {
            Tensor a = Centered(n.Input(0), RowZeroPoint(n.Input(2), n.Input(0)));
            Tensor b = Centered(n.Input(3), n.Input(5));
            return Requantize(MatMul(a, b), n.Input(1) * n.Input(4), n.Input(6), n.Input(7));
        });
        ops["QLinearConv"] = One(n =>
        {
            Tensor x = Centered(n.Input(0), n.Input(2));
            Tensor w = Centered(n.Input(3), ChannelZeroPoint(n.Input(5), n.Input(3).Rank));
            Tensor accumulated = WithSpatialRank2(x, x2 => Conv(n, x2, Spatial2(w), bias: null));
            if (n.OptionalInput(8) is { } bias)
            {
                accumulated += Tf.Reshape(Tf.Cast(bias, DType.Float64), [1, bias.Size, .. Enumerable.Repeat(1, x.Rank - 2)]);
            }

            Tensor wScale = n.Input(4);
            Tensor scale = n.Input(1) * (wScale.Rank == 1 ? Tf.Reshape(wScale, [1, wScale.Size, .. Enumerable.Repeat(1, x.Rank - 2)]) : wScale);
            return Requantize(accumulated, scale, n.Input(6), n.Input(7));
        });
    }

    /// <summary>A scale or zero point: a scalar as it is, a vector (per axis) shaped to broadcast along ONNX's axis.</summary>
    private static Tensor PerAxis(NodeContext n, Tensor t, int rank)
    {
        if (t.Rank == 0 || (t.Rank == 1 && t.Size == 1))
        {
            return Tf.Reshape(t, Shape.Scalar);
        }

        int axis = n.Axis(n.Int32("axis", 1), rank);
        var dims = new int[rank];
        Array.Fill(dims, 1);
        dims[axis] = t.Size;
        return Tf.Reshape(t, dims);
    }

    /// <summary>round(scaled) + zeroPoint, half to even, saturated to <paramref name="dtype"/>'s range.</summary>
    private static Tensor Quantize(Tensor scaled, Tensor? zeroPoint, DType dtype)
    {
        (double low, double high) = dtype == DType.UInt8 ? (0.0, 255.0) : dtype == DType.Int8 ? (-128.0, 127.0)
            : throw new NotSupportedException($"ONNX import: quantization to {dtype} is not supported; uint8 and int8 are.");
        Tensor y = Tf.Round(scaled);
        if (zeroPoint is not null)
        {
            y += Tf.Cast(zeroPoint, y.DType);
        }

        return Tf.Cast(Tf.Minimum(Tf.Maximum(y, Scalar(low, y)), Scalar(high, y)), dtype);
    }

    /// <summary>
    /// (y, y_scale, y_zero_point): uint8 over the range of x widened to include 0, as ONNX defines it:
    /// scale = (max(0, max x) − min(0, min x)) / 255, zero point = saturate(round(−min / scale)).
    /// </summary>
    private static Tensor[] DynamicQuantizeLinear(NodeContext n)
    {
        Tensor x = n.Input(0);
        Tensor zero = Scalar(0, x);
        Tensor low = Tf.Minimum(zero, Tf.ReduceMin(x)), high = Tf.Maximum(zero, Tf.ReduceMax(x));
        Tensor scale = (high - low) / Scalar(255, x);
        Tensor zeroPoint = Quantize((zero - low) / scale, null, DType.UInt8);
        return [Quantize(x / scale, zeroPoint, DType.UInt8), scale, zeroPoint];
    }

    /// <summary><paramref name="x"/> − <paramref name="zeroPoint"/> in float64 (exact for 8-bit and 32-bit integers).</summary>
    private static Tensor Centered(Tensor x, Tensor? zeroPoint)
    {
        Tensor wide = Tf.Cast(x, DType.Float64);
        return zeroPoint is null ? wide : wide - Tf.Cast(zeroPoint, DType.Float64);
    }

    /// <summary>A's zero point: a scalar, or one per row of A (M values), shaped (M, 1) to broadcast along the rows.</summary>
    private static Tensor? RowZeroPoint(Tensor? zeroPoint, Tensor a) =>
        zeroPoint is { Rank: 1, Size: > 1 } ? Tf.Reshape(zeroPoint, [zeroPoint.Size, 1]) : zeroPoint is null ? null : Tf.Reshape(zeroPoint, Shape.Scalar);

    /// <summary>A filter's zero point: a scalar, or one per output channel, shaped (M, 1, 1...) to broadcast over the filter.</summary>
    private static Tensor? ChannelZeroPoint(Tensor? zeroPoint, int filterRank) =>
        zeroPoint is { Rank: 1, Size: > 1 }
            ? Tf.Reshape(zeroPoint, [zeroPoint.Size, .. Enumerable.Repeat(1, filterRank - 1)])
            : zeroPoint is null ? null : Tf.Reshape(zeroPoint, Shape.Scalar);

    /// <summary>An exact integer accumulation scaled by (input scales / output scale) and quantized to y_zero_point's dtype.</summary>
    private static Tensor Requantize(Tensor accumulated, Tensor inputScale, Tensor outputScale, Tensor outputZeroPoint)
    {
        Tensor multiplier = inputScale / Tf.Reshape(outputScale, Shape.Scalar);
        Tensor scaled = Tf.Cast(accumulated, multiplier.DType) * multiplier;
        return Quantize(scaled, Tf.Reshape(outputZeroPoint, Shape.Scalar), outputZeroPoint.DType);
    }
}
