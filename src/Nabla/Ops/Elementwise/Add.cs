using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x + y</c> with broadcasting (TensorFlow's <c>AddV2</c>).</summary>
    public static Tensor Add(Tensor x, Tensor y) => AddOp.Instance.Call(x, y);
}

internal sealed class AddOp : NumericBinaryOp<AddOp.Kernel>
{
    public static readonly AddOp Instance = new();

    internal override SmallBinary SmallKind => SmallBinary.Add;

    private AddOp()
        : base("AddV2")
    {
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        result[0] = upstream;
        result[1] = upstream;
    }

    internal readonly struct Kernel : INumericBinaryKernel, IVectorBinaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y) => x + y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y) => x + y;

        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Add, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Add(x, y, z);
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Add, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Add(x, y, z);
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float) && z.Length <= Float32Spans.MaxLength)
            {
                Float32Spans.Binary(SmallBinary.Add, Float32Spans.Of(x), Float32Spans.Of(y), Float32Spans.Of(z));
                return;
            }

            TensorPrimitives.Add(y, x, z);
        }
    }
}
