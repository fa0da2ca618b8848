using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Cumulative product along <paramref name="axis"/> (TensorFlow's <c>tf.math.cumprod</c>).
    /// <paramref name="exclusive"/> leaves each element out of its own product (the first is 1);
    /// <paramref name="reverse"/> multiplies from the end.
    /// </summary>
    /// <remarks>
    /// The gradient is TensorFlow's: the reverse running sum of <c>upstream * cumprod(x)</c>, divided by x (0
    /// where x is 0). Like TensorFlow's, it is therefore not the true derivative at elements equal to zero.
    /// </remarks>
    /// <exception cref="ArgumentException">When the axis is out of range or the dtype is not numeric.</exception>
    public static Tensor CumProd(Tensor x, int axis = 0, bool exclusive = false, bool reverse = false)
        => new CumProdOp(axis, exclusive, reverse).Call(x);
}

internal sealed class CumProdOp(int axis, bool exclusive, bool reverse) : CumulativeOp<CumProdOp.Kernel>("Cumprod", axis, exclusive, reverse)
{
    // d y_k / d x_i = y_k / x_i for every k the scan carries x_i into, so the gradient of x_i is the opposite
    // running sum of upstream * y, over x_i (TensorFlow's _CumprodGrad, with div_no_nan for x = 0).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor carried = Tf.CumSum(Tf.Multiply(output, upstream), Axis, Exclusive, !Reverse);
        Tensor zero = Tf.Equal(x, Tf.ZerosLike(x));
        Tensor safe = Tf.Where(zero, Tf.OnesLike(x), x);
        result[0] = Tf.Where(zero, Tf.ZerosLike(x), Tf.Divide(carried, safe));
    }

    internal readonly struct Kernel : IScanKernel
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.One;

        public static T Combine<T>(T x, T y)
            where T : unmanaged, INumber<T> => x * y;

        public static void Combine<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, y, z);
    }
}
