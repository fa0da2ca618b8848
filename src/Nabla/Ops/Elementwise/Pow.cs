using System.Numerics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x^y</c> with broadcasting (Python's <c>**</c>).</summary>
    /// <exception cref="ArgumentException">When an integer is raised to a negative integer power.</exception>
    public static Tensor Pow(Tensor x, Tensor y) => PowOp.Instance.Call(x, y);
}

internal sealed class PowOp : NumericBinaryOp<PowOp.Kernel>
{
    public static readonly PowOp Instance = new();

    private PowOp()
        : base("Pow")
    {
    }

    // d(x^y)/dx = y x^(y-1); d(x^y)/dy = x^y log(x), with log(x) taken as 0 where x <= 0 (TensorFlow's
    // _PowGrad), which avoids a false NaN at x = 0.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        Tensor? dx = needsGradient[0] ? Tf.Multiply(upstream, Tf.Multiply(y, Tf.Pow(x, Tf.Subtract(y, 1)))) : null;
        Tensor? dy = null;
        if (needsGradient[1])
        {
            Tensor positive = Tf.Greater(x, 0);
            Tensor safeLog = Tf.Where(positive, Tf.Log(Tf.Where(positive, x, Tf.OnesLike(x))), Tf.ZerosLike(x));
            dy = Tf.Multiply(upstream, Tf.Multiply(output, safeLog));
        }

        result[0] = dx;
        result[1] = dy;
    }

    internal readonly struct Kernel : INumericBinaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                PowKernels.Pow(Cast<T, float>(x), Cast<T, float>(y), Cast<T, float>(z));
            }
            else if (typeof(T) == typeof(double))
            {
                PowKernels.Pow(Cast<T, double>(x), Cast<T, double>(y), Cast<T, double>(z));
            }
            else
            {
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = IntegerPow(x[i], y[i]);
                }
            }
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                PowKernels.Pow(Cast<T, float>(x), float.CreateTruncating(y), Cast<T, float>(z));
            }
            else if (typeof(T) == typeof(double))
            {
                PowKernels.Pow(Cast<T, double>(x), double.CreateTruncating(y), Cast<T, double>(z));
            }
            else
            {
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = IntegerPow(x[i], y);
                }
            }
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                PowKernels.Pow(float.CreateTruncating(x), Cast<T, float>(y), Cast<T, float>(z));
            }
            else if (typeof(T) == typeof(double))
            {
                PowKernels.Pow(double.CreateTruncating(x), Cast<T, double>(y), Cast<T, double>(z));
            }
            else
            {
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = IntegerPow(x, y[i]);
                }
            }
        }

        private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span)
            where TFrom : unmanaged
            where TTo : unmanaged
            => MemoryMarshal.Cast<TFrom, TTo>(span);

        private static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span)
            where TFrom : unmanaged
            where TTo : unmanaged
            => MemoryMarshal.Cast<TFrom, TTo>(span);

        private static T IntegerPow<T>(T x, T y)
            where T : unmanaged, INumber<T>
        {
            if (y < T.Zero)
            {
                throw new ArgumentException("Integers to negative integer powers are not allowed [Op:Pow].");
            }

            T result = T.One;
            T b = x;
            long e = long.CreateTruncating(y);
            while (e > 0)
            {
                if ((e & 1) != 0)
                {
                    result *= b;
                }

                b *= b;
                e >>= 1;
            }

            return result;
        }
    }
}
