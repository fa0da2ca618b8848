using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>Elementwise <c>max(x, 0)</c>. Its gradient is <c>dy * (x &gt; 0)</c>, so 0 at x = 0, as TensorFlow's.</summary>
        public static Tensor Relu(Tensor x) => ReluOp.Instance.Call(x);
    }
}

internal sealed class ReluOp : NumericUnaryOp<ReluOp.Kernel>
{
    public static readonly ReluOp Instance = new();

    private ReluOp()
        : base("Relu")
    {
    }

    internal override Float32Unary Float32Kind => Float32Unary.Relu;

    // The fused ReluGrad op (one pass, one output); float16/bfloat16, which it does not cover, take the composite.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (ReluGradOp.Supports(upstream.DType) && upstream.DType == inputs[0].DType && upstream.Shape == inputs[0].Shape)
        {
            result[0] = ReluGradOp.Instance.Call(upstream, inputs[0]);
        }
        else
        {
            base.Gradient(inputs, output, upstream, needsGradient, result);
        }
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Cast(Tf.Greater(x, 0), x.DType);

    internal readonly struct Kernel : INumericUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && y.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Unary(Float32Unary.Relu, Float32Spans.Of(x), Float32Spans.Of(y));
                return;
            }

            TensorPrimitives.Max(x, T.Zero, y);
        }
    }
}
