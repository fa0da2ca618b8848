using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise cosine (radians).</summary>
    public static Tensor Cos(Tensor x) => CosOp.Instance.Call(x);
}

internal sealed class CosOp : FloatUnaryOp<CosOp.Kernel>
{
    public static readonly CosOp Instance = new();

    private CosOp()
        : base("Cos")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Negative(Tf.Sin(x));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, y);
    }
}
