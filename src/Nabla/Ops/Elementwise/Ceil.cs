using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise smallest integer not below x (floating dtypes). Its gradient is zero, as TensorFlow's.</summary>
    public static Tensor Ceil(Tensor x) => CeilOp.Instance.Call(x);
}

internal sealed class CeilOp : FloatUnaryOp<CeilOp.Kernel>
{
    public static readonly CeilOp Instance = new();

    private CeilOp()
        : base("Ceil")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.ZerosLike(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Ceiling(x, y);
    }
}
