using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise square root (NaN below 0). Its gradient is TensorFlow's <c>0.5 * dy / y</c>, so +inf at 0.</summary>
    public static Tensor Sqrt(Tensor x) => SqrtOp.Instance.Call(x);
}

internal sealed class SqrtOp : FloatUnaryOp<SqrtOp.Kernel>
{
    public static readonly SqrtOp Instance = new();

    private SqrtOp()
        : base("Sqrt")
    {
    }

    protected override bool ZeroUpstreamGivesZero => true;

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Divide(0.5, y);

    internal readonly struct Kernel : IFloatUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => Vector256.Sqrt(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => Vector512.Sqrt(x);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
    }
}
