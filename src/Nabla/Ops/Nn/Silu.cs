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
    }
}
