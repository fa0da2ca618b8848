using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>e^x - 1</c>, accurate for x near 0.</summary>
    public static Tensor Expm1(Tensor x) => Expm1Op.Instance.Call(x);
}

internal sealed class Expm1Op : FloatUnaryOp<Expm1Op.Kernel>
{
    public static readonly Expm1Op Instance = new();

    private Expm1Op()
        : base("Expm1")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Exp(x);

    // Computed in double and rounded once (float is then exact to the last bit in practice).
    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = T.CreateTruncating(SpecialFunctions.Expm1(double.CreateTruncating(x[i])));
            }
        }
    }
}
