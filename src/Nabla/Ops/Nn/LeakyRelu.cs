using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Elementwise <c>x</c> for x &gt; 0, else <c>alpha * x</c> (floating dtypes). Its gradient is
        /// <c>alpha * dy</c> for x &lt;= 0, as TensorFlow's.
        /// </summary>
        public static Tensor LeakyRelu(Tensor x, double alpha = 0.2) => new LeakyReluOp(alpha).Call(x);
    }
}

internal sealed class LeakyReluOp(double alpha) : ElementwiseUnaryOp("LeakyRelu", DTypeSet.Floating)
{
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        switch (x.DType.Code)
        {
            case DTypeCode.Float32: Apply(x.Read<float>(), output.Write<float>(), (float)alpha); break;
            case DTypeCode.Float64: Apply(x.Read<double>(), output.Write<double>(), alpha); break;
            default:
                float[] wide = ReducedPrecision.Widen(x.Buffer, x.DType, x.Size);
                Span<float> values = wide.AsSpan(0, x.Size);
                Apply<float>(values, values, (float)alpha);
                ReducedPrecision.Narrow(values, output.Buffer, output.DType, x.Size);
                ReducedPrecision.Return(wide);
                break;
        }
    }

    protected override Tensor? Derivative(Tensor x, Tensor y) => Tf.Where(Tf.Greater(x, 0), Tf.OnesLike(x), alpha);

    private static void Apply<T>(ReadOnlySpan<T> x, Span<T> y, T alpha)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            y[i] = v > T.Zero ? v : v * alpha;
        }
    }
}
