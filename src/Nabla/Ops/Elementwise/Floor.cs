using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise largest integer not above x (floating dtypes). Its gradient is zero, as TensorFlow's.</summary>
    public static Tensor Floor(Tensor x) => FloorOp.Instance.Call(x);
}

internal sealed class FloorOp : FloatUnaryOp<FloorOp.Kernel>
{
    public static readonly FloorOp Instance = new();

    private FloorOp()
        : base("Floor")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.ZerosLike(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Floor(x, y);
    }
}
