using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise hyperbolic tangent. Its derivative is <c>1 - y^2</c> from the output.</summary>
    public static Tensor Tanh(Tensor x) => TanhOp.Instance.Call(x);
}

internal sealed class TanhOp : FloatUnaryOp<TanhOp.Kernel>
{
    public static readonly TanhOp Instance = new();

    private TanhOp()
        : base("Tanh")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Subtract(1, Tf.Square(y));

    internal readonly struct Kernel : IFloatUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => VectorTanh.Tanh(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => VectorTanh.Tanh(x);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => VectorTanh.Apply(x, y);
    }
}
