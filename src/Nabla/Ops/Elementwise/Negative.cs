using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>-x</c> (TensorFlow's <c>Neg</c>).</summary>
    public static Tensor Negative(Tensor x) => NegativeOp.Instance.Call(x);
}

internal sealed class NegativeOp : NumericUnaryOp<NegativeOp.Kernel>
{
    public static readonly NegativeOp Instance = new();

    private NegativeOp()
        : base("Neg")
    {
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.Negative(upstream);

    protected override Tensor? Derivative(Tensor x, Tensor y) => throw new UnreachableException();

    internal readonly struct Kernel : INumericUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T> => TensorPrimitives.Negate(x, y);
    }
}
