namespace Nabla;

public partial class Tensor
{
    /// <summary>
    /// The full representation, as TensorFlow's repr: <c>&lt;Tensor: shape=(3,), dtype=int32, numpy=[1 2 3]&gt;</c>;
    /// values longer than one line start on their own line.
    /// </summary>
    public override string ToString() => Formatting.Repr(this, "Tensor:", ",");

    /// <summary>
    /// The values alone, as NumPy prints an array (<c>[1 2 3]</c>, <c>25</c>): what string interpolation and
    /// <c>Console.WriteLine</c> show, so <c>$"Hello {Tf.Square(5)}"</c> is <c>Hello 25</c>.
    /// </summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => Formatting.Values(this);
}

/// <summary>Builds the text of tensors: values through <see cref="NumPyFormatter"/>, wrapped in TensorFlow's repr.</summary>
internal static class Formatting
{
    public static string Values(Tensor tensor)
    {
        if (tensor is SymbolicTensor symbolic)
        {
            return symbolic.ToString(); // no values while tracing: TensorFlow prints the graph tensor's name
        }

        Tensor value = tensor.ReadForOp();
        return NumPyFormatter.Format(value.Buffer, value.Shape.Dims, value.DType);
    }

    /// <summary>TensorFlow's repr layout; <paramref name="afterShape"/> is "," for tensors and "" for variables, as TensorFlow prints them.</summary>
    public static string Repr(Tensor tensor, string head, string afterShape)
    {
        string values = Values(tensor);
        string lead = values.Contains('\n', StringComparison.Ordinal) ? "\n" : string.Empty;
        return $"<{head} shape={tensor.Shape}{afterShape} dtype={tensor.DType}, numpy={lead}{values}>";
    }
}
