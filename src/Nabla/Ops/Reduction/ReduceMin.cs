using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Minimum over <paramref name="axis"/> (all axes when null). A NaN propagates; an empty reduction gives the
    /// dtype's highest value (+inf for floats). The gradient is shared evenly among tied minima.
    /// </summary>
    public static Tensor ReduceMin(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceMin(x, axis is { } a ? [a] : null, keepdims);

    /// <summary>Minimum over several axes (all when null).</summary>
    public static Tensor ReduceMin(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceMinOp(axes, keepdims).Call(x);
}

internal sealed class ReduceMinOp(int[]? axes, bool keepDims) : ReduceOp("Min", DTypeSet.Numeric, axes, keepDims)
{
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        switch (x.DType.Code)
        {
            case DTypeCode.Int32: Reduce<int, Kernel<int>>(x, output); break;
            case DTypeCode.Int64: Reduce<long, Kernel<long>>(x, output); break;
            case DTypeCode.Float32: Reduce<float, Kernel<float>>(x, output); break;
            case DTypeCode.Float64: Reduce<double, Kernel<double>>(x, output); break;
            default: ReduceWidened<Kernel<float>>(x, output); break;
        }
    }

    public override Tensor?[] Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient)
        => [ReduceMaxOp.MinOrMaxGradient(this, inputs[0], output, upstream)];

    internal readonly struct Kernel<T> : IReduceKernel<T>
        where T : unmanaged, INumber<T>
    {
        public static T Identity => T.CreateSaturating(double.PositiveInfinity);

        public static T ReduceRun(ReadOnlySpan<T> x) => TensorPrimitives.Min(x);

        public static void Combine(ReadOnlySpan<T> x, Span<T> accumulator) => TensorPrimitives.Min(accumulator, x, accumulator);
    }
}
