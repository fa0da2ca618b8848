using System.Numerics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise remainder of floor division (Python's <c>%</c>): the result has the sign of <paramref name="y"/>.
    /// </summary>
    /// <exception cref="ArgumentException">On an integer division by zero.</exception>
    public static Tensor FloorMod(Tensor x, Tensor y) => FloorModOp.Instance.Call(x, y);
}

internal sealed class FloorModOp : NumericBinaryOp<FloorModOp.Kernel>
{
    public static readonly FloorModOp Instance = new();

    private FloorModOp()
        : base("FloorMod")
    {
    }

    // x mod y = x - floor(x / y) * y, so d/dx = 1 and d/dy = -floor(x / y).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        result[0] = upstream;
        result[1] = needsGradient[1] ? Tf.Multiply(upstream, Tf.Negative(Tf.Floor(Tf.Divide(inputs[0], inputs[1])))) : null;
    }

    protected override void ForwardKernels(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        IntegerDivision.CheckDivisor(Name, inputs[0], inputs[1]);
        base.ForwardKernels(inputs, output);
    }

    internal readonly struct Kernel : INumericBinaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                FloorModKernels.Run(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), MemoryMarshal.Cast<T, float>(z));
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x[i], y[i]);
            }
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                FloorModKernels.Run(MemoryMarshal.Cast<T, float>(x), float.CreateTruncating(y), MemoryMarshal.Cast<T, float>(z));
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x[i], y);
            }
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float))
            {
                FloorModKernels.Run(float.CreateTruncating(x), MemoryMarshal.Cast<T, float>(y), MemoryMarshal.Cast<T, float>(z));
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Mod(x, y[i]);
            }
        }

        private static T Mod<T>(T x, T y)
            where T : unmanaged, INumber<T>
        {
            // Integer zeros were rejected by CheckDivisor. MinValue % -1 overflows in .NET (it throws) although
            // the remainder is 0, so a -1 divisor is answered directly; typeof folds to a constant per JIT specialisation.
            if ((typeof(T) == typeof(int) || typeof(T) == typeof(long)) && y == -T.One)
            {
                return T.Zero;
            }

            T r = x % y;
            return r != T.Zero && (r < T.Zero) != (y < T.Zero) ? r + y : r;
        }
    }
}
