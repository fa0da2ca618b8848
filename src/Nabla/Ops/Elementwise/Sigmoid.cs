using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise logistic function <c>1 / (1 + e^-x)</c>. Its derivative is <c>y * (1 - y)</c> from the output.</summary>
    public static Tensor Sigmoid(Tensor x) => SigmoidOp.Instance.Call(x);
}

internal sealed class SigmoidOp : FloatUnaryOp<SigmoidOp.Kernel>
{
    public static readonly SigmoidOp Instance = new();

    private SigmoidOp()
        : base("Sigmoid")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Multiply(y, Tf.Subtract(1, y));

    internal readonly struct Kernel : IFloatUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => VectorSigmoid.Sigmoid(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => VectorSigmoid.Sigmoid(x);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T> => VectorSigmoid.Sigmoid(x, y); // float32 (and float16/bfloat16): on the own exp kernel
    }
}
