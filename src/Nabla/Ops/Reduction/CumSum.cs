using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Cumulative sum along <paramref name="axis"/>. <paramref name="exclusive"/> leaves each element out of its
    /// own sum (the first is 0); <paramref name="reverse"/> sums from the end. The gradient is the cumulative sum
    /// of the upstream gradient in the opposite direction.
    /// </summary>
    /// <exception cref="ArgumentException">When the axis is out of range or the dtype is not numeric.</exception>
    public static Tensor CumSum(Tensor x, int axis = 0, bool exclusive = false, bool reverse = false)
        => new CumSumOp(axis, exclusive, reverse).Call(x);
}

internal sealed class CumSumOp(int axis, bool exclusive, bool reverse) : Op("Cumsum")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.Numeric, x.Shape);
        Axes.Normalize(Name, axis, x.Rank, x.Shape);
        return new TensorSpec(x.Shape, x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        (int outer, int length, int inner) = ReduceAxes.Split(x.Shape, Axes.Normalize(Name, axis, x.Rank, x.Shape));
        switch (x.DType.Code)
        {
            case DTypeCode.Int32: Scan(x.Read<int>(), outer, length, inner, output.Write<int>()); break;
            case DTypeCode.Int64: Scan(x.Read<long>(), outer, length, inner, output.Write<long>()); break;
            case DTypeCode.Float32: Scan(x.Read<float>(), outer, length, inner, output.Write<float>()); break;
            case DTypeCode.Float64: Scan(x.Read<double>(), outer, length, inner, output.Write<double>()); break;
            default:
                float[] wide = ReducedPrecision.Widen(x.Buffer, x.DType, x.Size);
                Span<float> w = wide.AsSpan(0, x.Size);
                float[] result = System.Buffers.ArrayPool<float>.Shared.Rent(x.Size);
                Scan<float>(w, outer, length, inner, result.AsSpan(0, x.Size));
                ReducedPrecision.Narrow(result.AsSpan(0, x.Size), output.Buffer, output.DType, x.Size);
                System.Buffers.ArrayPool<float>.Shared.Return(result);
                ReducedPrecision.Return(wide);
                break;
        }
    }

    // The adjoint of a forward running sum is a backward running sum (exclusive stays exclusive).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.CumSum(upstream, axis, exclusive, !reverse);

    // Whole rows along the axis: row k of the result is row k-1 of the result plus row k (inclusive) or row
    // k-1 (exclusive) of the input; reverse walks the rows from the end.
    private void Scan<T>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<T> y)
        where T : unmanaged, INumber<T>
    {
        int first = reverse ? length - 1 : 0;
        int step = reverse ? -1 : 1;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * length * inner, length * inner);
            Span<T> result = y.Slice(o * length * inner, length * inner);
            if (length == 0)
            {
                continue;
            }

            if (exclusive)
            {
                result.Slice(first * inner, inner).Clear();
            }
            else
            {
                block.Slice(first * inner, inner).CopyTo(result.Slice(first * inner, inner));
            }

            for (int n = 1, k = first + step; n < length; n++, k += step)
            {
                int source = exclusive ? k - step : k;
                if (inner == 1)
                {
                    result[k] = result[k - step] + block[source];
                }
                else
                {
                    TensorPrimitives.Add(result.Slice((k - step) * inner, inner), block.Slice(source * inner, inner), result.Slice(k * inner, inner));
                }
            }
        }
    }
}
