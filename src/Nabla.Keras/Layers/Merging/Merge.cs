using System.Text.Json.Nodes;
namespace Nabla.Keras;

/// <summary>
/// The base of the elementwise merge layers (Keras's <c>_Merge</c>): called on a list of tensors of compatible
/// shapes, it combines them element by element. Inputs of lower rank get axes inserted after the batch axis until
/// the ranks agree, and dimensions of size 1 broadcast, as in Keras.
/// </summary>
public abstract class Merge : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name; made from the class name by default.</param>
    /// <param name="dtype">The dtype of its computations; float32 by default.</param>
    protected Merge(string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
    }

    /// <summary>The fewest inputs the layer takes (Keras's merge layers take at least one).</summary>
    private protected virtual int MinInputs => 1;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call([inputs], training);

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < MinInputs)
        {
            throw new ArgumentException(
                $"A merge layer ({GetType().Name} \"{Name}\") should be called on a list of at least {MinInputs} input(s). Got {inputs.Count} inputs.",
                nameof(inputs));
        }

        Tensor[] aligned = AlignRanks(inputs);
        CheckBroadcastable(aligned);
        Tensor result = aligned[0];
        for (int i = 1; i < aligned.Length; i++)
        {
            result = Combine(result, aligned[i]);
        }

        return Finish(result, aligned.Length);
    }

    /// <summary>Combines two (broadcastable) tensors.</summary>
    private protected abstract Tensor Combine(Tensor x, Tensor y);

    /// <summary>The last step after combining <paramref name="count"/> tensors (<see cref="Average"/> divides).</summary>
    private protected virtual Tensor Finish(Tensor result, int count) => result;

    // Keras's _Merge.call: a tensor of lower rank gets new axes after the batch axis.
    private static Tensor[] AlignRanks(IReadOnlyList<Tensor> inputs)
    {
        int rank = 0;
        foreach (Tensor t in inputs)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(inputs));
            rank = Math.Max(rank, t.Rank);
        }

        var aligned = new Tensor[inputs.Count];
        for (int i = 0; i < aligned.Length; i++)
        {
            Tensor t = inputs[i];
            while (t.Rank < rank)
            {
                t = Tf.ExpandDims(t, Math.Min(1, t.Rank));
            }

            aligned[i] = t;
        }

        return aligned;
    }

    // Keras's _compute_elemwise_op_output_shape: each dimension equal, or 1.
    private void CheckBroadcastable(Tensor[] inputs)
    {
        for (int i = 1; i < inputs.Length; i++)
        {
            for (int axis = 0; axis < inputs[0].Rank; axis++)
            {
                int? a = inputs[0].Shape.Dimension(axis), b = inputs[i].Shape.Dimension(axis);
                if (a is int da && b is int db && da != db && da != 1 && db != 1)
                {
                    throw new ArgumentException(
                        $"{GetType().Name} \"{Name}\": inputs have incompatible shapes. Received shapes {inputs[0].Shape} and {inputs[i].Shape}.");
                }
            }
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => BaseConfig();
}

/// <summary>Adds its inputs element by element (Keras's <c>layers.Add</c>).</summary>
/// <param name="name">The layer's name; <c>add</c>, <c>add_1</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Add(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Add(x, y);
}

/// <summary>Subtracts its second input from its first (Keras's <c>layers.Subtract</c>); it takes exactly two.</summary>
/// <param name="name">The layer's name; <c>subtract</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Subtract(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override int MinInputs => 2;

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 2 ? base.Call(inputs, training) : throw new ArgumentException(
            $"A Subtract layer (\"{Name}\") should be called on exactly 2 inputs. Received {inputs.Count} inputs.", nameof(inputs));
    }

    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Subtract(x, y);
}

/// <summary>Multiplies its inputs element by element (Keras's <c>layers.Multiply</c>).</summary>
/// <param name="name">The layer's name; <c>multiply</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Multiply(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Multiply(x, y);
}

/// <summary>Averages its inputs element by element (Keras's <c>layers.Average</c>).</summary>
/// <param name="name">The layer's name; <c>average</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Average(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Add(x, y);

    private protected override Tensor Finish(Tensor result, int count) => count == 1 ? result : Tf.Divide(result, count);
}

/// <summary>The element-wise maximum of its inputs (Keras's <c>layers.Maximum</c>).</summary>
/// <param name="name">The layer's name; <c>maximum</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Maximum(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Maximum(x, y);
}

/// <summary>The element-wise minimum of its inputs (Keras's <c>layers.Minimum</c>).</summary>
/// <param name="name">The layer's name; <c>minimum</c>... by default.</param>
/// <param name="dtype">The dtype of its computations; float32 by default.</param>
public class Minimum(string? name = null, DType? dtype = null) : Merge(name, dtype)
{
    private protected override Tensor Combine(Tensor x, Tensor y) => Tf.Minimum(x, y);
}
