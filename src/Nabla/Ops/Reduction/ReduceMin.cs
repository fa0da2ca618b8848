using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Minimum over <paramref name="axis"/> (all axes when null). A NaN propagates; an empty reduction gives the
    /// dtype's highest value (+inf for floats). The gradient is shared evenly among tied minima.
    /// </summary>
    public static Tensor ReduceMin(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceMin(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Minimum over several axes (all when null).</summary>
    public static Tensor ReduceMin(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceMinOp(axes, keepdims).Call(x);
}

internal sealed class ReduceMinOp(int[]? axes, bool keepDims) : NumericReduceOp<ReduceMinOp.Kernel>("Min", axes, keepDims)
{
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = ReduceMaxOp.MinOrMaxGradient(this, inputs[0], output, upstream);

    internal readonly struct Kernel : INumericReduceFamily
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.CreateSaturating(double.PositiveInfinity);

        public static T ReduceRun<T>(ReadOnlySpan<T> x)
            where T : unmanaged, INumber<T> => TensorPrimitives.Min(x);

        public static void Combine<T>(ReadOnlySpan<T> x, Span<T> accumulator)
            where T : unmanaged, INumber<T> => TensorPrimitives.Min(accumulator, x, accumulator);
    }
}
