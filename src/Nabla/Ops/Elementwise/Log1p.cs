using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>log(1 + x)</c>, accurate for x near 0 (NaN below -1, -inf at -1).</summary>
    public static Tensor Log1p(Tensor x) => Log1pOp.Instance.Call(x);
}

internal sealed class Log1pOp : FloatUnaryOp<Log1pOp.Kernel>
{
    public static readonly Log1pOp Instance = new();

    private Log1pOp()
        : base("Log1p")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Reciprocal(Tf.Add(x, 1));

    // Computed in double and rounded once (float is then exact to the last bit in practice).
    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = T.CreateTruncating(SpecialFunctions.Log1p(double.CreateTruncating(x[i])));
            }
        }
    }
}
