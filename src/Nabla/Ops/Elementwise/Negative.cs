using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    internal override SmallUnary SmallKind => SmallUnary.Negate;

    internal override Float32Unary Float32Kind => Float32Unary.Negate;

    private NegativeOp()
        : base("Neg")
    {
    }

    // d(-x)/dx = -1: the gradient is upstream * -1, one multiply by a shared scalar (as cheap as a Neg).
    protected override Tensor? Derivative(Tensor x, Tensor y) => -1;

    internal readonly struct Kernel : INumericUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => -x;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => -x;

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && y.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Unary(Float32Unary.Negate, Float32Spans.Of(x), Float32Spans.Of(y));
                return;
            }

            TensorPrimitives.Negate(x, y);
        }
    }
}
