using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise sign: -1, 0 or 1 (NaN stays NaN, -0 stays -0). It has a zero gradient.</summary>
    public static Tensor Sign(Tensor x) => SignOp.Instance.Call(x);
}

internal sealed class SignOp : NumericUnaryOp<SignOp.Kernel>
{
    public static readonly SignOp Instance = new();

    internal override SmallUnary SmallKind => SmallUnary.Sign;

    private SignOp()
        : base("Sign")
    {
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.ZerosLike(x);

    internal readonly struct Kernel : INumericUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                y[i] = v > T.Zero ? T.One : v < T.Zero ? -T.One : v;
            }
        }
    }
}
