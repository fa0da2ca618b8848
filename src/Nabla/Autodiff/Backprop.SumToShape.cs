namespace Nabla;

internal partial struct Backprop
{
    // Shared ReduceSum ops for SumToShape, by mask of summed axes (ranks up to CachedSumRank).
    private const int CachedSumRank = 8;
    private static readonly ReduceSumOp s_sumAll = new(null, keepDims: false);
    private static readonly ReduceSumOp?[] s_sumKeep = new ReduceSumOp?[1 << CachedSumRank];
    private static readonly ReduceSumOp?[] s_sumDrop = new ReduceSumOp?[1 << CachedSumRank];

    /// <summary>
    /// Sums a gradient of a broadcast result back to the shape of the input that was broadcast, and casts it
    /// to the input's dtype (a reduced-precision input gets a gradient of its own dtype).
    /// </summary>
    /// <remarks>
    /// Where a shape has unknown dimensions (a graph traced with them), which axes were broadcast is only known
    /// when the graph runs (an unknown size may be 1): the sum is then an op that decides it from the shapes it
    /// gets (<see cref="ShapeLike.SumTo"/>), as TensorFlow's <c>BroadcastGradientArgs</c> does.
    /// </remarks>
    internal static Tensor SumToShape(Tensor gradient, Tensor input)
    {
        Shape shape = input.Shape;
        DType dtype = input.DType;
        if (!shape.IsFullyDefined || !gradient.Shape.IsFullyDefined)
        {
            gradient = ShapeLike.SumTo(gradient, input);
        }
        else if (gradient.Shape != shape)
        {
            ReadOnlySpan<int> g = gradient.Shape.Dims;
            ReadOnlySpan<int> s = shape.Dims;
            int lead = g.Length - s.Length;
            int count = 0;
            int mask = 0;
            for (int i = 0; i < g.Length; i++)
            {
                if (i < lead || (s[i - lead] == 1 && g[i] != 1))
                {
                    count++;
                    mask |= i < 31 ? 1 << i : 0;
                }
            }

            if (count > 0)
            {
                // Same rank: keep the summed axes as 1s, which gives the input's shape directly.
                bool keepDims = lead == 0;
                gradient = SumOp(g.Length, mask, count, keepDims, g, s, lead).Call(gradient);
            }

            if (gradient.Shape != shape)
            {
                gradient = Tf.Reshape(gradient, shape);
            }
        }

        return gradient.DType == dtype ? gradient : Tf.Cast(gradient, dtype);
    }

    /// <summary>
    /// The ReduceSum over the axes in <paramref name="mask"/>: shared instances for ranks up to
    /// <see cref="CachedSumRank"/> (op objects are immutable), so the common sums back to a bias or a scalar
    /// allocate no axes array and no op.
    /// </summary>
    private static ReduceSumOp SumOp(int rank, int mask, int count, bool keepDims, ReadOnlySpan<int> g, ReadOnlySpan<int> s, int lead)
    {
        if (count == rank && !keepDims)
        {
            return s_sumAll;
        }

        if (rank <= CachedSumRank)
        {
            ReduceSumOp?[] row = keepDims ? s_sumKeep : s_sumDrop;
            return row[mask] ??= new ReduceSumOp(AxesOf(mask, count, rank), keepDims);
        }

        var axes = new int[count];
        count = 0;
        for (int i = 0; i < g.Length; i++)
        {
            if (i < lead || (s[i - lead] == 1 && g[i] != 1))
            {
                axes[count++] = i;
            }
        }

        return new ReduceSumOp(axes, keepDims);
    }

    private static int[] AxesOf(int mask, int count, int rank)
    {
        var axes = new int[count];
        count = 0;
        for (int i = 0; i < rank; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                axes[count++] = i;
            }
        }

        return axes;
    }
}
