using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise sine (radians).</summary>
    public static Tensor Sin(Tensor x) => SinOp.Instance.Call(x);
}

internal sealed class SinOp : FloatUnaryOp<SinOp.Kernel>
{
    public static readonly SinOp Instance = new();

    private SinOp()
        : base("Sin")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Cos(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, y);
    }
}
