using System.Text;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Prints its arguments when it runs (TensorFlow's <c>tf.print</c>): at once when eager, and every time the graph
    /// runs inside a traced function (where <c>Console.WriteLine</c> prints only once, while tracing). Tensors print
    /// their values as NumPy does, other values as text, separated by spaces; the output is standard error, as in
    /// TensorFlow, unless <see cref="Config.PrintOutput"/> says otherwise.
    /// </summary>
    public static void Print(params object?[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var tensors = new List<Tensor>();
        var parts = new object?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is Tensor t)
            {
                parts[i] = tensors.Count;
                tensors.Add(t);
            }
            else
            {
                parts[i] = inputs[i]?.ToString() ?? "None";
            }
        }

        new PrintOp(parts).Call([.. tensors]);
    }
}

/// <summary>The node of <see cref="Tf.Print"/>: formats its tensor inputs between the fixed text parts and writes the line.</summary>
internal sealed class PrintOp(object?[] parts) : GraphOp("PrintV2"), IGraphSideEffect
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Shape.Scalar, DType.Bool);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        var line = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                line.Append(' ');
            }

            line.Append(parts[i] is int index ? Formatting.Values(inputs[index]) : (string)parts[i]!);
        }

        TextWriter output = Tf.Config.PrintOutput;
        lock (output)
        {
            output.WriteLine(line.ToString());
        }

        return Tensor.Scalar(true);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("Print writes its line in Evaluate.");
}
