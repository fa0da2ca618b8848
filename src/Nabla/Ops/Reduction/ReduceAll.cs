using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Logical and over <paramref name="axis"/> (all axes when null) of a bool tensor; empty gives true.</summary>
    public static Tensor ReduceAll(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceAll(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Logical and over several axes (all when null).</summary>
    public static Tensor ReduceAll(Tensor x, int[]? axes, bool keepdims = false)
        => new ReduceAllOp(axes, keepdims).Call(x);
}

internal sealed class ReduceAllOp(int[]? axes, bool keepDims) : ReduceOp("All", DTypeSet.BoolOnly, axes, keepDims)
{
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output) => Reduce<bool, Kernel>(inputs[0].Read<bool>(), inputs[0].Shape, output.Write<bool>());

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        // No gradient (a bool result): every slot stays null.
    }

    // bool elements are stored as 0/1 bytes, so rows combine as bytes.
    internal readonly struct Kernel : IReduceKernel<bool>
    {
        public static bool Identity => true;

        public static bool ReduceRun(ReadOnlySpan<bool> x) => !x.Contains(false);

        public static void Combine(ReadOnlySpan<bool> x, Span<bool> accumulator)
            => TensorPrimitives.BitwiseAnd(MemoryMarshal.Cast<bool, byte>(accumulator), MemoryMarshal.Cast<bool, byte>(x), MemoryMarshal.Cast<bool, byte>(accumulator));
    }
}
