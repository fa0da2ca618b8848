using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Sum over <paramref name="axis"/> (all axes when null).</summary>
    public static Tensor ReduceSum(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceSum(x, axis is { } a ? [a] : null, keepdims);

    /// <summary>Sum over several axes (all when null).</summary>
    public static Tensor ReduceSum(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceSumOp(axes, keepdims).Call(x);
}

internal sealed class ReduceSumOp(int[]? axes, bool keepDims) : ReduceOp("Sum", DTypeSet.Numeric, axes, keepDims)
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

    // Every input element contributed once: the gradient is the upstream broadcast back over the reduced axes.
    public override Tensor?[] Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient)
        => [Tf.BroadcastTo(Tf.Reshape(upstream, KeptShape(inputs[0].Shape)), inputs[0].Shape)];

    internal readonly struct Kernel<T> : IReduceKernel<T>
        where T : unmanaged, INumber<T>
    {
        public static T Identity => T.Zero;

        public static T ReduceRun(ReadOnlySpan<T> x) => TensorPrimitives.Sum(x);

        public static void Combine(ReadOnlySpan<T> x, Span<T> accumulator) => TensorPrimitives.Add(accumulator, x, accumulator);
    }
}
