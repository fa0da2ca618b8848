using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Sum over <paramref name="axis"/> (all axes when null).</summary>
    public static Tensor ReduceSum(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceSum(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Sum over several axes (all when null).</summary>
    public static Tensor ReduceSum(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceSumOp(axes, keepdims).Call(x);
}

internal sealed class ReduceSumOp(int[]? axes, bool keepDims) : NumericReduceOp<ReduceSumOp.Kernel>("Sum", axes, keepDims)
{
    /// <summary>Small float sums to one element (the seed's gradients) skip the generic walk (<see cref="SmallFloat.TrySum"/>).</summary>
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        if (!SmallFloat.TrySum(inputs[0], output))
        {
            base.Forward(inputs, output);
        }
    }

    // Every input element contributed once: the gradient is the upstream broadcast back over the reduced axes.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = BroadcastBack(upstream, inputs[0]);

    internal readonly struct Kernel : INumericReduceFamily
    {
        public static T Identity<T>()
            where T : unmanaged, INumber<T> => T.Zero;

        public static T ReduceRun<T>(ReadOnlySpan<T> x)
            where T : unmanaged, INumber<T> => VectorSum.Sum(x); // float32: eight independent accumulators

        // Add's kernel: float32 through the precompiled loop (Float32Spans), the rest through TensorPrimitives.
        public static void Combine<T>(ReadOnlySpan<T> x, Span<T> accumulator)
            where T : unmanaged, INumber<T> => AddOp.Kernel.Apply<T>(accumulator, x, accumulator);
    }
}
