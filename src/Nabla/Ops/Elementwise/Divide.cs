using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise true division <c>x / y</c> with broadcasting. Integers promote as TensorFlow's truediv does
    /// (int32 and int64 to float64), so <c>1 / 2</c> is 0.5.
    /// </summary>
    public static Tensor Divide(Tensor x, Tensor y) => DivideOp.Instance.Call(x, y);
}

internal sealed class DivideOp : FloatBinaryOp<DivideOp.Kernel>
{
    public static readonly DivideOp Instance = new();

    internal override SmallBinary SmallKind => SmallBinary.Divide;

    private DivideOp()
        : base("RealDiv")
    {
    }

    // The operands unify, then integers promote to float64 as TensorFlow's truediv does.
    protected override void ApplyDTypeRules(Span<Tensor> inputs)
    {
        base.ApplyDTypeRules(inputs);
        if (inputs[0].DType.IsInteger)
        {
            // TensorFlow's truediv: 8- and 16-bit integers divide in float32, int32 and int64 in float64.
            DType real = inputs[0].DType.IsNarrowInteger ? DType.Float32 : DType.Float64;
            inputs[0] = Tf.Cast(inputs[0], real);
            inputs[1] = Tf.Cast(inputs[1], real);
        }
    }

    // d(x/y)/dx = 1/y, d(x/y)/dy = -x/y².
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        result[0] = needsGradient[0] ? Tf.Divide(upstream, y) : null;
        result[1] = needsGradient[1] ? Tf.Multiply(upstream, Tf.Divide(Tf.Negative(x), Tf.Multiply(y, y))) : null;
    }

    internal readonly struct Kernel : IFloatBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => x / y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => x / y;

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Divide, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Divide(x, y, z);
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Divide, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Divide(x, y, z);
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Divide, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Divide(x, y, z);
        }
    }
}
