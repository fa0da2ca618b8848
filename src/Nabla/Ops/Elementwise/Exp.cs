using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>e^x</c>.</summary>
    public static Tensor Exp(Tensor x) => ExpOp.Instance.Call(x);
}

internal sealed class ExpOp : FloatUnaryOp<ExpOp.Kernel>
{
    public static readonly ExpOp Instance = new();

    private ExpOp()
        : base("Exp")
    {
    }

    // d e^x / dx = e^x, which is the output itself.
    protected override Tensor? Derivative(Tensor x, Tensor y) => y;

    internal readonly struct Kernel : IFloatUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => VectorExp.Exp(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => VectorExp.Exp(x);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => VectorExp.Exp(x, y); // float32 (and float16/bfloat16): own kernel
    }
}
