using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>1 / x</c> (floating dtypes).</summary>
    public static Tensor Reciprocal(Tensor x) => ReciprocalOp.Instance.Call(x);
}

internal sealed class ReciprocalOp : FloatUnaryOp<ReciprocalOp.Kernel>
{
    public static readonly ReciprocalOp Instance = new();

    private ReciprocalOp()
        : base("Reciprocal")
    {
    }

    protected override bool ZeroUpstreamGivesZero => true;

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Negative(Tf.Square(y));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Reciprocal(x, y);
    }
}
