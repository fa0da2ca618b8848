using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise absolute value. Its gradient at 0 is 0 (TensorFlow's <c>sign(x)</c> rule).</summary>
    public static Tensor Abs(Tensor x) => AbsOp.Instance.Call(x);
}

internal sealed class AbsOp : NumericUnaryOp<AbsOp.Kernel>
{
    public static readonly AbsOp Instance = new();

    private AbsOp()
        : base("Abs")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Sign(x);

    internal readonly struct Kernel : INumericUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T> => TensorPrimitives.Abs(x, y);
    }
}
