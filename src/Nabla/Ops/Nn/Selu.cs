using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Elementwise scaled exponential linear unit: <c>scale * x</c> for x &gt; 0, else
        /// <c>scale * alpha * (e^x - 1)</c>, with TensorFlow's constants alpha = 1.6732632423543772 and
        /// scale = 1.0507009873554805.
        /// </summary>
        public static Tensor Selu(Tensor x) => SeluOp.Instance.Call(x);
    }
}

internal sealed class SeluOp : FloatUnaryOp<SeluOp.Kernel>
{
    public const double Alpha = 1.6732632423543772848170429916717;
    public const double Scale = 1.0507009873554804934193349852946;

    public static readonly SeluOp Instance = new();

    private SeluOp()
        : base("Selu")
    {
    }

    // For x < 0, d/dx scale*alpha*(e^x - 1) = scale*alpha*e^x = y + scale*alpha (TensorFlow's SeluGrad).
    protected override Tensor? Derivative(Tensor x, Tensor y)
        => Tf.Where(Tf.Less(x, 0), Tf.Add(y, Scale * Alpha), Scale);

    internal readonly struct Kernel : IFloatUnaryKernel
    {
        public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                double v = double.CreateTruncating(x[i]);
                y[i] = T.CreateTruncating(v > 0 ? Scale * v : Scale * Alpha * SpecialFunctions.Expm1(v));
            }
        }
    }
}
