using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Maximum over <paramref name="axis"/> (all axes when null). A NaN propagates; an empty reduction gives the
    /// dtype's lowest value (-inf for floats). The gradient is shared evenly among tied maxima.
    /// </summary>
    public static Tensor ReduceMax(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceMax(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Maximum over several axes (all when null).</summary>
    public static Tensor ReduceMax(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceMaxOp(axes, keepdims).Call(x);
}

internal sealed class ReduceMaxOp(int[]? axes, bool keepDims) : NumericReduceOp<ReduceMaxOp.Kernel>("Max", axes, keepDims)
{
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = MinOrMaxGradient(this, inputs[0], output, upstream);

    /// <summary>
    /// TensorFlow's <c>_MinOrMaxGrad</c>: the upstream gradient goes to the elements equal to the result, split
    /// evenly among ties (indicators / count * dy).
    /// </summary>
    internal static Tensor MinOrMaxGradient(ReduceOp op, Tensor x, Tensor y, Tensor upstream)
    {
        Tensor indicators = Tf.Cast(Tf.Equal(op.Kept(y, x), x), upstream.DType);
        Tensor count = Tf.ReduceSum(indicators, op.RequestedAxes, keepdims: true);
        return Tf.Multiply(Tf.Divide(indicators, count), op.Kept(upstream, x));
    }

    internal readonly struct Kernel : INumericReduceFamily
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.CreateSaturating(double.NegativeInfinity);

        public static T ReduceRun<T>(ReadOnlySpan<T> x)
            where T : unmanaged, INumber<T> => TensorPrimitives.Max(x);

        public static void Combine<T>(ReadOnlySpan<T> x, Span<T> accumulator)
            where T : unmanaged, INumber<T> => TensorPrimitives.Max(accumulator, x, accumulator);
    }
}
