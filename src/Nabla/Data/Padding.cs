namespace Nabla.Data;

/// <summary>The shape rules of <c>PaddedBatch</c>: every element of a component padded to one shape, as TensorFlow pads.</summary>
internal static class Padding
{
    /// <summary>
    /// Stacks component <paramref name="component"/> of a batch padded to <paramref name="paddedShape"/> (null or -1
    /// dimensions: the longest in the batch) with <paramref name="paddingValue"/>.
    /// </summary>
    public static Tensor Stack(Tensor[] items, int component, int[]? paddedShape, double paddingValue)
    {
        Tensor first = items[0];
        int rank = first.Rank;
        if (paddedShape is not null && paddedShape.Length != rank)
        {
            throw new ArgumentException(
                $"PaddedBatch: the padded shape {Shape.Format(paddedShape)} of component {component} has rank {paddedShape.Length}, " +
                $"but its elements have rank {rank} (shape {first.Shape}).");
        }

        var longest = new int[rank];
        for (int i = 0; i < items.Length; i++)
        {
            Tensor item = items[i];
            if (item.Rank != rank || item.DType != first.DType)
            {
                throw new InvalidOperationException(
                    $"PaddedBatch: component {component} of element {i} has shape {item.Shape} ({item.DType}), " +
                    $"but the first element's is {first.Shape} ({first.DType}); padding needs one rank and dtype.");
            }

            for (int axis = 0; axis < rank; axis++)
            {
                longest[axis] = Math.Max(longest[axis], item.Shape[axis]);
            }
        }

        for (int axis = 0; axis < rank; axis++)
        {
            int wanted = paddedShape?[axis] ?? -1;
            if (wanted >= 0 && wanted < longest[axis])
            {
                throw new InvalidOperationException(
                    $"PaddedBatch: attempted to pad to a smaller size than the input element: component {component} has a dimension {axis} " +
                    $"of {longest[axis]}, longer than the padded shape {Shape.Format(paddedShape)}.");
            }

            longest[axis] = wanted >= 0 ? wanted : longest[axis];
        }

        return Rows.PaddedStack(items, longest, paddingValue);
    }
}
