using System.Numerics;
using System.Numerics.Tensors;

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

internal sealed class CumSumOp(int axis, bool exclusive, bool reverse) : CumulativeOp<CumSumOp.Kernel>("Cumsum", axis, exclusive, reverse)
{
    // The adjoint of a forward running sum is a backward running sum (exclusive stays exclusive).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.CumSum(upstream, Axis, Exclusive, !Reverse);

    internal readonly struct Kernel : IScanKernel
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.Zero;

        public static T Combine<T>(T x, T y)
            where T : unmanaged, INumber<T> => x + y;

        public static void Combine<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T> => TensorPrimitives.Add(x, y, z);
    }
}
