namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The positions that sort <paramref name="values"/> along <paramref name="axis"/> (TensorFlow's
    /// <c>tf.argsort</c>), as int32. <paramref name="direction"/> is <c>"ASCENDING"</c> or <c>"DESCENDING"</c>. The
    /// sort is always stable (equal values keep their order, TensorFlow's <c>stable=True</c>); NaN sorts above every
    /// number. There is no gradient (the output is integer).
    /// </summary>
    /// <exception cref="ArgumentException">When the axis is out of range, the direction unknown, or the dtype not numeric.</exception>
    public static Tensor Argsort(Tensor values, int axis = -1, string direction = "ASCENDING", bool stable = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        bool descending = SortDirection("Argsort", direction, values);
        _ = stable; // every Nabla sort is stable; the flag is TensorFlow's and changes nothing here
        return AlongLastAxis("Argsort", values, axis, x => new SortIndicesOp("Argsort", descending, -1).Call(x));
    }

    /// <summary>
    /// <paramref name="values"/> sorted along <paramref name="axis"/> (TensorFlow's <c>tf.sort</c>),
    /// <c>"ASCENDING"</c> or <c>"DESCENDING"</c>; NaN sorts above every number. The gradient sends each upstream
    /// element back to the position its value came from.
    /// </summary>
    /// <exception cref="ArgumentException">When the axis is out of range, the direction unknown, or the dtype not numeric.</exception>
    public static Tensor Sort(Tensor values, int axis = -1, string direction = "ASCENDING")
    {
        ArgumentNullException.ThrowIfNull(values);
        bool descending = SortDirection("Sort", direction, values);
        return AlongLastAxis("Sort", values, axis, x => TakeAlongLastAxis(x, new SortIndicesOp("Sort", descending, -1).Call(x)));
    }

    /// <summary>x gathered along its last axis at per-row positions (indices of x's shape but the last dimension).</summary>
    internal static Tensor TakeAlongLastAxis(Tensor x, Tensor positions)
        => x.Rank == 1 ? Gather(x, positions) : Gather(x, positions, -1, x.Rank - 1);

    private static bool SortDirection(string op, string direction, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(direction);
        return direction switch
        {
            "ASCENDING" => false,
            "DESCENDING" => true,
            _ => throw new ArgumentException(
                $"{op}: direction should be one of ASCENDING, DESCENDING, got '{direction}' (values of shape {values.Shape}).", nameof(direction)),
        };
    }

    // Sorting works on contiguous rows: another axis is moved last and back.
    private static Tensor AlongLastAxis(string op, Tensor values, int axis, Func<Tensor, Tensor> sortLast)
    {
        if (values.Rank == 0)
        {
            throw new ArgumentException($"{op}: input must be at least rank 1, got a scalar ({values.DType}) [Op:{op}].");
        }

        int a = Axes.Normalize(op, axis, values.Rank, values.Shape);
        if (a == values.Rank - 1)
        {
            return sortLast(values);
        }

        int[] perm = [.. Enumerable.Range(0, values.Rank)];
        (perm[a], perm[^1]) = (perm[^1], perm[a]);
        return Transpose(sortLast(Transpose(values, perm)), perm);
    }
}
