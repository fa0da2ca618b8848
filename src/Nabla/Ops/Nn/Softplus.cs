using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Elementwise <c>log(1 + e^x)</c>, computed stably as <c>log1p(e^-|x|) + max(x, 0)</c>. Its derivative is
        /// <c>sigmoid(x)</c> (0.5 at 0).
        /// </summary>
        public static Tensor Softplus(Tensor x) => SoftplusOp.Instance.Call(x);
    }
}

internal sealed class SoftplusOp : FloatUnaryOp<SoftplusOp.Kernel>
{
    public static readonly SoftplusOp Instance = new();

    private SoftplusOp()
        : base("Softplus")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Sigmoid(x);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                double v = double.CreateTruncating(x[i]);
                y[i] = T.CreateTruncating(SpecialFunctions.Log1p(Math.Exp(-Math.Abs(v))) + Math.Max(v, 0.0));
            }
        }
    }
}
