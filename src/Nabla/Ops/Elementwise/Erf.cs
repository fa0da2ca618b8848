using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise error function <c>2/sqrt(pi) * integral_0^x e^(-t^2) dt</c>. Its derivative is <c>2/sqrt(pi) * e^(-x^2)</c>.</summary>
    public static Tensor Erf(Tensor x) => ErfOp.Instance.Call(x);
}

internal sealed class ErfOp : FloatUnaryOp<ErfOp.Kernel>
{
    public static readonly ErfOp Instance = new();

    private ErfOp()
        : base("Erf")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Multiply(1.1283791670955126, Tf.Exp(Tf.Negative(Tf.Square(x))));

    // Computed in double and rounded once (float is then exact to the last bit in practice).
    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x[i])));
            }
        }
    }
}
