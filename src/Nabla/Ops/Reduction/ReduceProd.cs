using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Product over <paramref name="axis"/> (all axes when null); an empty product is 1.</summary>
    public static Tensor ReduceProd(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceProd(x, axis is { } a ? [a] : null, keepdims);

    /// <summary>Product over several axes (all when null).</summary>
    public static Tensor ReduceProd(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceProdOp(axes, keepdims).Call(x);
}

internal sealed class ReduceProdOp(int[]? axes, bool keepDims) : ReduceOp("Prod", DTypeSet.Numeric, axes, keepDims)
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

    // d prod / d x_i is the product of the other elements. Without zeros that is prod / x_i (written with the
    // op's output, so that an outer tape differentiates it again). With zeros in a group: a zero element gets
    // the product of the non-zero ones when it is the only zero, else 0; a non-zero element gets prod / x_i,
    // which is 0 but still differentiable in the zero (so second order is right with one zero per group).
    public override Tensor?[] Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient)
    {
        Tensor x = inputs[0];
        Shape kept = KeptShape(x.Shape);
        Tensor dy = Tf.Reshape(upstream, kept);
        Tensor isZero = Tf.Equal(x, 0);
        Tensor safe = Tf.Where(isZero, 1, x);
        Tensor nonZeroGrad = Tf.Divide(Tf.Reshape(output, kept), safe);
        Tensor zeroCount = Tf.ReduceSum(Tf.Cast(isZero, x.DType), RequestedAxes, keepdims: true);
        Tensor othersProduct = Tf.ReduceProd(safe, RequestedAxes, keepdims: true);
        Tensor zeroGrad = Tf.Where(Tf.Equal(zeroCount, 1), othersProduct, Tf.ZerosLike(othersProduct));
        return [Tf.Multiply(Tf.Where(isZero, zeroGrad, nonZeroGrad), dy)];
    }

    internal readonly struct Kernel<T> : IReduceKernel<T>
        where T : unmanaged, INumber<T>
    {
        public static T Identity => T.One;

        public static T ReduceRun(ReadOnlySpan<T> x) => TensorPrimitives.Product(x);

        public static void Combine(ReadOnlySpan<T> x, Span<T> accumulator) => TensorPrimitives.Multiply(accumulator, x, accumulator);
    }
}
