using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise floor division (Python's <c>//</c>) with broadcasting: integers round toward negative infinity,
    /// floats give <c>floor(x / y)</c>. TensorFlow defines no gradient for it, so none flows.
    /// </summary>
    /// <exception cref="ArgumentException">On an integer division by zero, a bool input or mismatched dtypes/shapes.</exception>
    public static Tensor FloorDiv(Tensor x, Tensor y) => FloorDivOp.Instance.Call(x, y);
}

internal sealed class FloorDivOp : NumericBinaryOp<FloorDivOp.Kernel>
{
    public static readonly FloorDivOp Instance = new();

    private FloorDivOp()
        : base("FloorDiv")
    {
    }

    // TensorFlow registers FloorDiv with no gradient (ops.NotDifferentiable): every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
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
            if (IsFloating<T>())
            {
                TensorPrimitives.Divide(x, y, z);
                Floor(z);
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Divide(x[i], y[i]);
            }
        }

        public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (IsFloating<T>())
            {
                TensorPrimitives.Divide(x, y, z);
                Floor(z);
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Divide(x[i], y);
            }
        }

        public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
            where T : unmanaged, INumber<T>
        {
            if (IsFloating<T>())
            {
                TensorPrimitives.Divide(x, y, z);
                Floor(z);
                return;
            }

            for (int i = 0; i < z.Length; i++)
            {
                z[i] = Divide(x, y[i]);
            }
        }

        private static bool IsFloating<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

        private static void Floor<T>(Span<T> z)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float))
            {
                Span<float> f = MemoryMarshal.Cast<T, float>(z);
                TensorPrimitives.Floor(f, f);
            }
            else
            {
                Span<double> d = MemoryMarshal.Cast<T, double>(z);
                TensorPrimitives.Floor(d, d);
            }
        }

        // Integer floor division; zero divisors were rejected by CheckDivisor. MinValue / -1 overflows in .NET
        // (it throws), so a -1 divisor negates with wraparound, as the hardware division of C++ TensorFlow would.
        private static T Divide<T>(T x, T y)
            where T : unmanaged, INumber<T>
        {
            if (T.IsNegative(-T.One) && y == -T.One)
            {
                return T.Zero - x;   // signed types only: for byte, -1 is 255
            }

            T q = x / y;
            return (x % y != T.Zero) && ((x < T.Zero) != (y < T.Zero)) ? q - T.One : q;
        }
    }
}
