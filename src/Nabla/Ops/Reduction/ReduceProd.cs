using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Product over <paramref name="axis"/> (all axes when null); an empty product is 1.</summary>
    public static Tensor ReduceProd(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceProd(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Product over several axes (all when null).</summary>
    public static Tensor ReduceProd(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceProdOp(axes, keepdims).Call(x);
}

internal sealed class ReduceProdOp(int[]? axes, bool keepDims) : NumericReduceOp<ReduceProdOp.Kernel>("Prod", axes, keepDims)
{
    // d prod / d x_i is the product of the other elements. Without zeros that is prod / x_i (written with the
    // op's output, so that an outer tape differentiates it again). With zeros in a group: a zero element gets
    // the product of the non-zero ones when it is the only zero, else 0; a non-zero element gets prod / x_i,
    // which is 0 but still differentiable in the zero (so second order is right with one zero per group).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor dy = Kept(upstream, x);
        Tensor isZero = Tf.Equal(x, 0);
        Tensor safe = Tf.Where(isZero, 1, x);
        Tensor nonZeroGrad = Tf.Divide(Kept(output, x), safe);
        Tensor zeroCount = Tf.ReduceSum(Tf.Cast(isZero, x.DType), RequestedAxes, keepdims: true);
        Tensor othersProduct = Tf.ReduceProd(safe, RequestedAxes, keepdims: true);
        Tensor zeroGrad = Tf.Where(Tf.Equal(zeroCount, 1), othersProduct, Tf.ZerosLike(othersProduct));
        result[0] = Tf.Multiply(Tf.Where(isZero, zeroGrad, nonZeroGrad), dy);
    }

    internal readonly struct Kernel : INumericReduceFamily
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.One;

        public static T ReduceRun<T>(ReadOnlySpan<T> x)
            where T : unmanaged, INumber<T> => TensorPrimitives.Product(x);

        public static void Combine<T>(ReadOnlySpan<T> x, Span<T> accumulator)
            where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(accumulator, x, accumulator);
    }
}
