using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise tangent (radians). Its derivative is <c>1 + tan(x)^2</c>.</summary>
    public static Tensor Tan(Tensor x) => TanOp.Instance.Call(x);
}

internal sealed class TanOp : FloatUnaryOp<TanOp.Kernel>
{
    public static readonly TanOp Instance = new();

    private TanOp()
        : base("Tan")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Add(1, Tf.Square(y));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tan(x, y);
    }
}
