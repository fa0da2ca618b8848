using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Linear-algebra ops (TensorFlow's <c>tf.linalg</c>).</summary>
    public static partial class Linalg
    {
        /// <summary>
        /// The vector norm over <paramref name="axis"/> (the whole tensor as one vector when null):
        /// <c>"euclidean"</c> (or <c>"fro"</c>, <c>"2"</c>), <c>"1"</c> or <c>"inf"</c>.
        /// </summary>
        /// <exception cref="ArgumentException">When <paramref name="ord"/> is not supported or the dtype is not floating.</exception>
        public static Tensor Norm(Tensor x, string ord = "euclidean", int? axis = null, bool keepdims = false)
        {
            ArgumentNullException.ThrowIfNull(ord);
            double order = ord switch
            {
                "euclidean" or "fro" or "2" => 2,
                "1" => 1,
                "inf" or "Infinity" => double.PositiveInfinity,
                _ => throw new ArgumentException($"Norm: ord '{ord}' is not supported; use \"euclidean\", 1, 2 or inf.", nameof(ord)),
            };
            return Norm(x, order, axis, keepdims);
        }

        /// <summary>The vector norm of order 1, 2 or <see cref="double.PositiveInfinity"/> over <paramref name="axis"/> (all when null).</summary>
        /// <exception cref="ArgumentException">When <paramref name="ord"/> is not 1, 2 or +inf, or the dtype is not floating.</exception>
        public static Tensor Norm(Tensor x, double ord, int? axis = null, bool keepdims = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            DTypeRules.Require("Norm", x.DType, DTypeSet.Floating, x.Shape);
            int[]? axes = ReduceOp.AxesOf(axis);
            if (ord == 2)
            {
                return Pow(ReduceSum(Multiply(x, x), axes, keepdims), 0.5);
            }

            if (ord == 1)
            {
                return ReduceSum(Abs(x), axes, keepdims);
            }

            if (double.IsPositiveInfinity(ord))
            {
                return new MaxAbsOp(axes, keepdims).Call(x);
            }

            throw new ArgumentException(
                $"Norm: ord {ord.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not supported for shape {x.Shape}; " +
                "use \"euclidean\", 1, 2 or inf.", nameof(ord));
        }
    }
}

/// <summary>max(|x|) over axes: the inf-norm (private to Norm, so that it does not depend on ReduceMax).</summary>
internal sealed class MaxAbsOp(int[]? axes, bool keepDims) : ReduceOp("NormInf", DTypeSet.Floating, axes, keepDims)
{
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Float(new Body(ReducedMask(inputs[0].Rank, inputs[0].Shape)), inputs, output, inputs[0].DType);

    // |x| into a pooled buffer, then the max reduction.
    private readonly struct Body(bool[] mask) : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> x = o.In(0);
            T[] abs = System.Buffers.ArrayPool<T>.Shared.Rent(x.Length);
            try
            {
                System.Numerics.Tensors.TensorPrimitives.Abs(x, abs.AsSpan(0, x.Length));
                Reduction.Run<T, Kernel<T>>(abs.AsSpan(0, x.Length), o.Input(0).Shape.Dims, mask, o.Out);
            }
            finally
            {
                System.Buffers.ArrayPool<T>.Shared.Return(abs);
            }
        }
    }

    // TensorFlow's max gradient: shared equally among the elements attaining the maximum, times sign(x).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Shape kept = KeptShape(x.Shape);
        Tensor indicators = Tf.Cast(Tf.Equal(Tf.Abs(x), Tf.Reshape(output, kept)), x.DType);
        Tensor count = Tf.ReduceSum(indicators, RequestedAxes, keepdims: true);
        Tensor share = Tf.Divide(Tf.Multiply(indicators, Tf.Sign(x)), count);
        result[0] = Tf.Multiply(share, Tf.Reshape(upstream, kept));
    }

    internal readonly struct Kernel<T> : IReduceKernel<T>
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        public static T Identity => T.Zero;

        public static T ReduceRun(ReadOnlySpan<T> x) => x.IsEmpty ? T.Zero : System.Numerics.Tensors.TensorPrimitives.Max(x);

        public static void Combine(ReadOnlySpan<T> x, Span<T> accumulator) => System.Numerics.Tensors.TensorPrimitives.Max(accumulator, x, accumulator);
    }
}
