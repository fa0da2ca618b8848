namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Converts <paramref name="x"/> to <paramref name="dtype"/> as TensorFlow's <c>tf.cast</c>: an integer into a
    /// narrower integer wraps (two's complement: int64 2^31 becomes int32 -2^31, int32 -1 becomes uint8 255); floats
    /// into int8, uint8 and int16 are truncated toward zero and wrap the same way (-1.0 and 256.0 become uint8 255 and
    /// 0; use <c>Tf.ClipByValue</c> first to saturate); floats into int32/int64 truncate toward zero and saturate
    /// (TensorFlow leaves that overflow undefined); numbers to bool test for non-zero. The gradient flows back only
    /// between floating dtypes.
    /// </summary>
    /// <exception cref="ArgumentException">When a NaN or infinity would have to become an integer (TensorFlow: undefined).</exception>
    public static Tensor Cast(Tensor x, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType == dtype && !x.IsWeak ? x : new CastOp(dtype).Call(x);
    }
}

internal sealed class CastOp(DType dtype) : Op("Cast")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["DstT"] = dtype };

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, dtype);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        if (x.DType.IsFloating && dtype.IsInteger)
        {
            CheckFinite(x);
        }

        Kernels.Conversion.Convert(x.Buffer, x.DType, output.Buffer, dtype, x.Size);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = inputs[0].DType.IsFloating && dtype.IsFloating ? Tf.Cast(upstream, inputs[0].DType) : null;

    private void CheckFinite(Tensor x)
    {
        bool finite = x.DType.Code switch
        {
            DTypeCode.Float16 => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(x.Read<Half>()),
            DTypeCode.Float32 => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(x.Read<float>()),
            DTypeCode.Float64 => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(x.Read<double>()),
            _ => AllFinite(x.Read<BFloat16>()),
        };
        if (!finite)
        {
            throw new ArgumentException(
                $"Cast of a {x.DType} tensor of shape {x.Shape} to {dtype} met a NaN or infinity, which has no {dtype} value.");
        }
    }

    private static bool AllFinite(ReadOnlySpan<BFloat16> values)
    {
        foreach (BFloat16 v in values)
        {
            if (!float.IsFinite(v.ToSingle()))
            {
                return false;
            }
        }

        return true;
    }
}
