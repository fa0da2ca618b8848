using System.Text.Json.Nodes;
namespace Nabla.Keras;

/// <summary>
/// Concatenates its inputs along <see cref="Axis"/> (Keras's <c>layers.Concatenate</c>, the last axis by default);
/// every other dimension must match.
/// </summary>
public class Concatenate : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis to concatenate along; negative counts from the end (-1: the features).</param>
    /// <param name="name">The layer's name; <c>concatenate</c>... by default.</param>
    /// <param name="dtype">The dtype of its computations; float32 by default.</param>
    public Concatenate(int axis = -1, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        Axis = axis;
    }

    /// <summary>The concatenation axis.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call([inputs], training);

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException($"A Concatenate layer (\"{Name}\") should be called on a list of at least 1 input.", nameof(inputs));
        }

        int rank = inputs[0].Rank;
        int axis = Axis < 0 ? Axis + rank : Axis;
        bool matching = axis >= 0 && axis < rank;
        foreach (Tensor t in inputs)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(inputs));
            matching &= t.Rank == rank && MatchesExceptAxis(inputs[0].Shape, t.Shape, axis);
        }

        if (!matching)
        {
            throw new ArgumentException(
                $"A Concatenate layer (\"{Name}\") requires inputs with matching shapes except for the concatenation axis {Axis}. " +
                $"Received: input_shape=[{string.Join(", ", inputs.Select(t => t.Shape.ToString()))}].", nameof(inputs));
        }

        return inputs.Count == 1 ? inputs[0] : Tf.Concat([.. inputs], axis);
    }

    private static bool MatchesExceptAxis(Shape a, Shape b, int axis)
    {
        for (int i = 0; i < a.Rank; i++)
        {
            if (i != axis && a.Dimension(i) is int da && b.Dimension(i) is int db && da != db)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axis"] = Axis;
        return config;
    }
}
