namespace Nabla;

// C# operators for the common ops. There is deliberately no == / != overload: tensors keep reference
// equality (use Tf.Equal for elementwise comparison), as API.md requires.
public partial class Tensor
{
    /// <summary><see cref="Tf.Add(Tensor, Tensor)"/>.</summary>
    public static Tensor operator +(Tensor x, Tensor y) => Tf.Add(x, y);

    /// <summary><see cref="Tf.Subtract(Tensor, Tensor)"/>.</summary>
    public static Tensor operator -(Tensor x, Tensor y) => Tf.Subtract(x, y);

    /// <summary><see cref="Tf.Multiply(Tensor, Tensor)"/>.</summary>
    public static Tensor operator *(Tensor x, Tensor y) => Tf.Multiply(x, y);

    /// <summary><see cref="Tf.Divide(Tensor, Tensor)"/> (integers promote to float, as TensorFlow's truediv).</summary>
    public static Tensor operator /(Tensor x, Tensor y) => Tf.Divide(x, y);

    /// <summary><see cref="Tf.FloorMod(Tensor, Tensor)"/> (Python's <c>%</c>: the result has the divisor's sign).</summary>
    public static Tensor operator %(Tensor x, Tensor y) => Tf.FloorMod(x, y);

    /// <summary><see cref="Tf.Negative(Tensor)"/>.</summary>
    public static Tensor operator -(Tensor x) => Tf.Negative(x);

    /// <summary><see cref="Tf.Less(Tensor, Tensor)"/>: a bool tensor.</summary>
    public static Tensor operator <(Tensor x, Tensor y) => Tf.Less(x, y);

    /// <summary><see cref="Tf.Greater(Tensor, Tensor)"/>: a bool tensor.</summary>
    public static Tensor operator >(Tensor x, Tensor y) => Tf.Greater(x, y);

    /// <summary><see cref="Tf.LessEqual(Tensor, Tensor)"/>: a bool tensor.</summary>
    public static Tensor operator <=(Tensor x, Tensor y) => Tf.LessEqual(x, y);

    /// <summary><see cref="Tf.GreaterEqual(Tensor, Tensor)"/>: a bool tensor.</summary>
    public static Tensor operator >=(Tensor x, Tensor y) => Tf.GreaterEqual(x, y);

    /// <summary><see cref="Tf.Pow(Tensor, Tensor)"/>: C# has no <c>**</c>.</summary>
    public Tensor Pow(Tensor exponent) => Tf.Pow(this, exponent);
}
