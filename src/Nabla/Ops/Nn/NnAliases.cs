namespace Nabla;

public static partial class Tf
{
    // TensorFlow's tf.nn names for ops that live on Tf (tf.nn.sigmoid is tf.math.sigmoid), and softsign, which is a
    // composition (its gradient comes from Abs, Add and Divide).
    public static partial class Nn
    {
        /// <inheritdoc cref="Tf.Sigmoid(Tensor)"/>
        public static Tensor Sigmoid(Tensor x) => Tf.Sigmoid(x);

        /// <inheritdoc cref="Tf.Tanh(Tensor)"/>
        public static Tensor Tanh(Tensor x) => Tf.Tanh(x);

        /// <summary>Swish, TensorFlow's other name for <see cref="Silu(Tensor)"/>: <c>x * sigmoid(x)</c>.</summary>
        public static Tensor Swish(Tensor x) => Silu(x);

        /// <summary>Softsign: <c>x / (1 + |x|)</c> (floating dtypes), as <c>tf.nn.softsign</c>.</summary>
        public static Tensor Softsign(Tensor x)
        {
            ArgumentNullException.ThrowIfNull(x);
            DTypeRules.Require("Softsign", x.DType, DTypeSet.Floating, x.Shape);
            return Tf.Divide(x, Tf.Add(Tf.Abs(x), 1));
        }
    }
}
