using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x * x</c> (numeric dtypes; integers wrap on overflow).</summary>
    public static Tensor Square(Tensor x) => SquareOp.Instance.Call(x);
}

internal sealed class SquareOp : NumericUnaryOp<SquareOp.Kernel>
{
    public static readonly SquareOp Instance = new();

    internal override SmallUnary SmallKind => SmallUnary.Square;

    private SquareOp()
        : base("Square")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Multiply(x, 2);

    internal readonly struct Kernel : INumericUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => x * x;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => x * x;

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, x, y);
    }
}
