using System.Numerics;
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
        => DTypeDispatch.Numeric(new Body(this), inputs, output, inputs[0].DType);

    // Each element contributes 1/count of itself to its mean.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor g = BroadcastBack(upstream, x);
        if (!x.Shape.IsFullyDefined)
        {
            // The count is only known when the graph runs: count the ones of x's shape then.
            result[0] = Tf.Divide(g, Tf.Maximum(Tf.ReduceSum(Tf.OnesLike(x), RequestedAxes, keepdims: true), 1));
            return;
        }

        int count = ReduceAxes.ReducedCount(x.Shape, ReducedMask(x.Rank, x.Shape));
        result[0] = Tf.Divide(g, (double)Math.Max(count, 1));
    }

    // The sum, then the division by the count (float16/bfloat16 are summed and divided in float32 before narrowing,
    // so a large sum does not overflow). C#'s integer division truncates toward zero, as C++'s (and so TensorFlow's)
    // does; an empty integer mean stays 0, an empty floating one is NaN (0 / 0).
    private readonly struct Body(ReduceMeanOp op) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
        {
            Shape shape = o.Input(0).Shape;
            Span<T> y = o.Out;
            op.Reduce<T, NumericReduceKernel<T, ReduceSumOp.Kernel>>(o.In(0), shape, y);
            int count = ReduceAxes.ReducedCount(shape, op.ReducedMask(shape.Rank, shape));
            if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
            {
                TensorPrimitives.Divide<T>(y, T.CreateTruncating(count), y);
            }
            else if (count > 1)
            {
                T c = T.CreateTruncating(count);
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] /= c;
                }
            }
        }
    }
}
