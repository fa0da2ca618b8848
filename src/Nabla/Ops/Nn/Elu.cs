using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Elementwise exponential linear unit: <c>x</c> for x &gt; 0, else <c>e^x - 1</c>. Its gradient is
        /// <c>dy</c> for x &gt;= 0 and <c>dy * (y + 1)</c> below, with no NaN from the unused branch.
        /// </summary>
        public static Tensor Elu(Tensor x) => EluOp.Instance.Call(x);
    }
}

internal sealed class EluOp : FloatUnaryOp<EluOp.Kernel>
{
    public static readonly EluOp Instance = new();

    private EluOp()
        : base("Elu")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Where(Tf.Less(x, 0), Tf.Add(y, 1), Tf.OnesLike(x));

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                y[i] = v > T.Zero ? v : T.CreateTruncating(SpecialFunctions.Expm1(double.CreateTruncating(v)));
            }
        }
    }
}
