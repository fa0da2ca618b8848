namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>Sigmoid linear unit (swish): <c>x * sigmoid(x)</c> (floating dtypes).</summary>
        /// <exception cref="ArgumentException">When <paramref name="x"/> is not floating.</exception>
        public static Tensor Silu(Tensor x)
        {
            ArgumentNullException.ThrowIfNull(x);
            DTypeRules.Require("Silu", x.DType, DTypeSet.Floating, x.Shape);
            return Tf.Multiply(x, Tf.Sigmoid(x));
        }

        /// <summary>
        /// TensorFlow's <c>tf.nn.silu(features, beta)</c>: <c>x * sigmoid(beta * x)</c>. <paramref name="beta"/> may be a
        /// tensor (a trainable swish parameter gets its gradient) or a C# number (weakly typed, x's dtype).
        /// </summary>
        /// <exception cref="ArgumentException">When <paramref name="x"/> is not floating or beta's dtype differs.</exception>
        public static Tensor Silu(Tensor x, Tensor beta)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(beta);
            DTypeRules.Require("Silu", x.DType, DTypeSet.Floating, x.Shape);
            return Tf.Multiply(x, Tf.Sigmoid(Tf.Multiply(beta, x)));
        }
    }
}
