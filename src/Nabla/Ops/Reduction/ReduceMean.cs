using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Mean over <paramref name="axis"/> (all axes when null). Integer inputs divide as TensorFlow's do: the sum
    /// divided by the count, truncated toward zero. The mean of an empty set is NaN (0 for integers).
    /// </summary>
    public static Tensor ReduceMean(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceMean(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Mean over several axes (all when null).</summary>
    public static Tensor ReduceMean(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceMeanOp(axes, keepdims).Call(x);
}

internal sealed class ReduceMeanOp(int[]? axes, bool keepDims) : ReduceOp("Mean", DTypeSet.Numeric, axes, keepDims)
{
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int count = ReduceAxes.ReducedCount(x.Shape, ReducedMask(x.Rank, x.Shape));
        switch (x.DType.Code)
        {
            case DTypeCode.Int32:
                Reduce<int, NumericReduceKernel<int, ReduceSumOp.Kernel>>(x, output);
                DivideInts(output.Write<int>(), count);
                break;
            case DTypeCode.Int64:
                Reduce<long, NumericReduceKernel<long, ReduceSumOp.Kernel>>(x, output);
                DivideInts(output.Write<long>(), count);
                break;
            case DTypeCode.Float32:
                Reduce<float, NumericReduceKernel<float, ReduceSumOp.Kernel>>(x, output);
                TensorPrimitives.Divide(output.Write<float>(), count, output.Write<float>());
                break;
            case DTypeCode.Float64:
                Reduce<double, NumericReduceKernel<double, ReduceSumOp.Kernel>>(x, output);
                TensorPrimitives.Divide(output.Write<double>(), count, output.Write<double>());
                break;
            default:
                // Summed in float32 and divided before narrowing, so a large sum does not overflow float16.
                ReduceAxes.RunWidened<NumericReduceKernel<float, ReduceSumOp.Kernel>>(x, ReducedMask(x.Rank, x.Shape), output, count == 0 ? float.NaN : 1f / count);
                break;
        }
    }

    // Each element contributes 1/count of itself to its mean.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        int count = ReduceAxes.ReducedCount(x.Shape, ReducedMask(x.Rank, x.Shape));
        Tensor g = Tf.BroadcastTo(Tf.Reshape(upstream, KeptShape(x.Shape)), x.Shape);
        result[0] = Tf.Divide(g, (double)Math.Max(count, 1));
    }

    // C#'s integer division truncates toward zero, as C++'s (and so TensorFlow's) does; an empty mean stays 0.
    private static void DivideInts<T>(Span<T> values, int count)
        where T : System.Numerics.IBinaryInteger<T>
    {
        if (count <= 1)
        {
            return;
        }

        T c = T.CreateTruncating(count);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] /= c;
        }
    }
}
