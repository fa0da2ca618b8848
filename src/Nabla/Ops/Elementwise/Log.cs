using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise natural logarithm (NaN below 0, -inf at 0).</summary>
    public static Tensor Log(Tensor x) => LogOp.Instance.Call(x);
}

internal sealed class LogOp : FloatUnaryOp<LogOp.Kernel>
{
    public static readonly LogOp Instance = new();

    private LogOp()
        : base("Log")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Divide(Tf.OnesLike(x), x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
    }
}
