using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise absolute value. Its gradient at 0 is 0 (TensorFlow's <c>sign(x)</c> rule). As in TensorFlow, the
    /// absolute value of an integer type's minimum wraps to itself (<c>Abs(int.MinValue) == int.MinValue</c>).
    /// </summary>
    public static Tensor Abs(Tensor x) => AbsOp.Instance.Call(x);
}

internal sealed class AbsOp : NumericUnaryOp<AbsOp.Kernel>
{
    public static readonly AbsOp Instance = new();

    internal override SmallUnary SmallKind => SmallUnary.Abs;

    private AbsOp()
        : base("Abs")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Sign(x);

    internal readonly struct Kernel : INumericUnaryKernel, IVectorUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ApplyVector(Vector256<float> x) => Vector256.Abs(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ApplyVector(Vector512<float> x) => Vector512.Abs(x);

        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T>
        {
            if (!T.IsZero(T.CreateTruncating(0.5)))
            {
                TensorPrimitives.Abs(x, y); // floating point: never overflows
                return;
            }

            // Integers: TensorPrimitives.Abs throws OverflowException on the minimum; TensorFlow (and the hardware's
            // vector abs) wraps it, so do that instead of failing inside a kernel.
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    Vector.Abs(new Vector<T>(x[i..])).CopyTo(y[i..]);
                }
            }

            for (; i < x.Length; i++)
            {
                T v = x[i];
                y[i] = T.IsNegative(v) ? T.Zero - v : v;
            }
        }
    }
}
