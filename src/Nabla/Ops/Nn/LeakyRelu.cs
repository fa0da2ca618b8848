using System.Numerics;

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

internal sealed class LeakyReluOp(double alpha)
    : ElementwiseUnaryOp("LeakyRelu", DTypeSet.Floating), IUnaryTile<float, float>, IUnaryTile<double, double>
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["alpha"] = alpha };

    public void ApplyTile(ReadOnlySpan<float> x, Span<float> y) => Apply(x, y, (float)alpha);

    public void ApplyTile(ReadOnlySpan<double> x, Span<double> y) => Apply(x, y, alpha);

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
