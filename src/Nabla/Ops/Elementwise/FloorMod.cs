using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise remainder of floor division (Python's <c>%</c>): the result has the sign of <paramref name="y"/>.
    /// </summary>
    /// <exception cref="ArgumentException">On an integer division by zero.</exception>
    public static Tensor FloorMod(Tensor x, Tensor y) => FloorModOp.Instance.Invoke(x, y);
}

internal sealed class FloorModOp : NumericBinaryOp<FloorModOp.Kernel>
{
    public static readonly FloorModOp Instance = new();

    private FloorModOp()
        : base("FloorMod")
    {
    }

    // x mod y = x - floor(x / y) * y, so d/dx = 1 and d/dy = -floor(x / y).
    public override Tensor?[] Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient)
        => [upstream, needsGradient[1] ? Tf.Multiply(upstream, Tf.Negative(Tf.Floor(Tf.Divide(inputs[0], inputs[1])))) : null];

    internal readonly struct Kernel : INumericBinaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x[i], y[i]);
            }
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x[i], y);
            }
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x, y[i]);
            }
        }

        private static T Mod<T>(T x, T y)
            where T : unmanaged, INumber<T>
        {
            // typeof checks fold to constants in each JIT specialisation.
            if ((typeof(T) == typeof(int) || typeof(T) == typeof(long)) && y == T.Zero)
            {
                throw new ArgumentException("Integer division by zero in FloorMod.");
            }

            T r = x % y;
            return r != T.Zero && (r < T.Zero) != (y < T.Zero) ? r + y : r;
        }
    }
}
