namespace Nabla;

public static partial class Tf
{
    /// <summary>Joins tensors of one shape along a new <paramref name="axis"/> (in [-rank-1, rank]): ExpandDims then Concat.</summary>
    /// <exception cref="ArgumentException">When the list is empty, the shapes differ or the axis is out of range.</exception>
    public static Tensor Stack(Tensor[] values, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("Pack (Stack) needs at least one tensor [Op:Pack].", nameof(values));
        }

        var expanded = new Tensor[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(values[i], nameof(values));
            if (values[i].Shape != values[0].Shape)
            {
                throw new ArgumentException(
                    $"Pack (Stack) expects all inputs to have shape {values[0].Shape}, but input {i} has shape {values[i].Shape} [Op:Pack].",
                    nameof(values));
            }

            expanded[i] = ExpandDims(values[i], axis);
        }

        return Concat(expanded, axis < 0 ? axis + values[0].Rank + 1 : axis);
    }
}
