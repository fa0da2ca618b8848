using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x * y</c> with broadcasting (TensorFlow's <c>Mul</c>).</summary>
    public static Tensor Multiply(Tensor x, Tensor y) => MultiplyOp.Instance.Call(x, y);
}

internal sealed class MultiplyOp : NumericBinaryOp<MultiplyOp.Kernel>
{
    public static readonly MultiplyOp Instance = new();

    internal override SmallBinary SmallKind => SmallBinary.Multiply;

    private MultiplyOp()
        : base("Mul")
    {
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        result[0] = needsGradient[0] ? Backprop.TimesUpstream(upstream, inputs[1]) : null;
        result[1] = needsGradient[1] ? Backprop.TimesUpstream(upstream, inputs[0]) : null;
    }

    internal readonly struct Kernel : INumericBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => x * y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => x * y;

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Multiply, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Multiply(x, y, z);
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Multiply, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Multiply(x, y, z);
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Multiply, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Multiply(y, x, z);
        }
    }
}
