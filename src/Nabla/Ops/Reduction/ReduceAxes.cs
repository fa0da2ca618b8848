namespace Nabla;

/// <summary>Shared helpers of the reduction and scan ops: upfront validation for composites and axis splitting.</summary>
internal static class ReduceAxes
{
    /// <summary>
    /// Validates a composite reduction's input before it is built from other ops, so that errors name the
    /// composite (<paramref name="op"/>) rather than the primitive inside it.
    /// </summary>
    public static void Validate(string op, Tensor x, int[]? axes, DTypeSet supported)
    {
        ArgumentNullException.ThrowIfNull(x);
        DTypeRules.Require(op, x.DType, supported, x.Shape);
        if (axes is not null)
        {
            Span<bool> seen = x.Rank <= 64 ? stackalloc bool[x.Rank] : new bool[x.Rank];
            foreach (int axis in axes)
            {
                int a = Axes.Normalize(op, axis, x.Rank, x.Shape);
                if (seen[a])
                {
                    throw Axes.Duplicate(op, a, x.Shape);
                }

                seen[a] = true;
            }
        }
    }

    /// <summary>Splits a shape around one axis into [outer, axis length, inner].</summary>
    public static (int Outer, int Length, int Inner) Split(Shape shape, int axis)
    {
        ReadOnlySpan<int> dims = shape.Dims;
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        for (int i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        return (outer, dims[axis], inner);
    }

    /// <summary>The number of input elements folded into each output element.</summary>
    public static int ReducedCount(Shape shape, bool[] mask)
    {
        int count = 1;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                count *= shape.Dims[i];
            }
        }

        return count;
    }
}
