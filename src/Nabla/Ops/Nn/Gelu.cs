namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Gaussian error linear unit (floating dtypes), as <c>tf.nn.gelu</c>: <c>0.5 x (1 + erf(x / sqrt 2))</c>, or
        /// with <paramref name="approximate"/> the tanh form <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>.
        /// </summary>
        /// <exception cref="ArgumentException">When <paramref name="x"/> is not floating.</exception>
        public static Tensor Gelu(Tensor x, bool approximate = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            DTypeRules.Require("Gelu", x.DType, DTypeSet.Floating, x.Shape);
            Tensor halfX = Tf.Multiply(x, 0.5);
            if (approximate)
            {
                Tensor cube = Tf.Multiply(Tf.Square(x), x);
                Tensor inner = Tf.Multiply(Tf.Add(x, Tf.Multiply(cube, 0.044715)), 0.7978845608028654);
                return Tf.Multiply(halfX, Tf.Add(Tf.Tanh(inner), 1));
            }

            return Tf.Multiply(halfX, Tf.Add(Tf.Erf(Tf.Multiply(x, 0.7071067811865476)), 1));
        }
    }
}
