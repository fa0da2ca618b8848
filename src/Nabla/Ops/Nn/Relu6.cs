using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>Elementwise <c>min(max(x, 0), 6)</c>. Its gradient is <c>dy * (0 &lt; x &lt; 6)</c>, as TensorFlow's.</summary>
        public static Tensor Relu6(Tensor x) => Relu6Op.Instance.Call(x);
    }
}

internal sealed class Relu6Op : NumericUnaryOp<Relu6Op.Kernel>
{
    public static readonly Relu6Op Instance = new();

    private Relu6Op()
        : base("Relu6")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y)
        => Tf.Multiply(Tf.Cast(Tf.Greater(x, 0), x.DType), Tf.Cast(Tf.Less(x, 6), x.DType));

    internal readonly struct Kernel : INumericUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T>
        {
            TensorPrimitives.Max(x, T.Zero, y);
            TensorPrimitives.Min(y, T.CreateTruncating(6), y);
        }
    }
}
