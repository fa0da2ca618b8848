namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The distinct values of the vector <paramref name="x"/> in order of first occurrence, and for every element
    /// the position of its value among them (TensorFlow's <c>tf.unique</c>): <c>x == Gather(Y, Idx)</c>.
    /// <paramref name="outIdx"/> is int32 (default) or int64. Y is gathered from x at the first occurrences, so
    /// the gradient of Y flows back to those elements.
    /// </summary>
    /// <exception cref="ArgumentException">When x is not a vector, or outIdx is not an integer dtype.</exception>
    public static (Tensor Y, Tensor Idx) Unique(Tensor x, DType? outIdx = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        DType indexType = outIdx ?? DType.Int32;
        if (!indexType.IsIndex)
        {
            throw new ArgumentException($"Unique: out_idx must be int32 or int64, got {indexType} (x of shape {x.Shape}) [Op:Unique].", nameof(outIdx));
        }

        ShapeLike.RequireKnownValues("Unique", x); // how many distinct values there are
        Tensor idx = new UniqueIndexOp(indexType).Call(x);
        int count = idx.Size == 0 ? 0 : (int)Cast(ReduceMax(idx), DType.Int64).Item<long>() + 1;

        // The first occurrence of value s is the smallest position i with idx[i] == s.
        Tensor first = UnsortedSegmentMin(Range(0, x.Size, 1, indexType), idx, count);
        return (Gather(x, first), idx);
    }
}

/// <summary>For each element of a vector, the rank of its value among the distinct values in first-seen order.</summary>
internal sealed class UniqueIndexOp(DType indexType) : Op("Unique")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        if (x.Rank != 1)
        {
            throw new ArgumentException($"Unique: unique expects a 1D vector, got {x.DType} of shape {x.Shape} [Op:Unique].");
        }

        return new TensorSpec(x.Shape, indexType);
    }

    // No gradient: the indices are integers.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] ranks = System.Buffers.ArrayPool<int>.Shared.Rent(x.Size);
        try
        {
            Span<int> r = ranks.AsSpan(0, x.Size);
            DTypeDispatch.NumericOrBool(new Body(ranks), inputs, output, x.DType);
            if (indexType == DType.Int32)
            {
                r.CopyTo(output.Write<int>());
            }
            else
            {
                Span<long> y = output.Write<long>();
                for (int i = 0; i < r.Length; i++)
                {
                    y[i] = r[i];
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(ranks);
        }
    }

    // Bools rank as their 0/1 bytes, float16/bfloat16 as their (exact) float32 values.
    private readonly struct Body(int[] ranks) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, System.Numerics.INumber<T>
        {
            ReadOnlySpan<T> x = o.In(0);
            Rank(x, ranks.AsSpan(0, x.Length));
        }
    }

    private static void Rank<T>(ReadOnlySpan<T> x, Span<int> ranks)
        where T : notnull, IEquatable<T>
    {
        var seen = new Dictionary<T, int>();
        for (int i = 0; i < x.Length; i++)
        {
            if (!seen.TryGetValue(x[i], out int rank))
            {
                rank = seen.Count;
                seen.Add(x[i], rank);
            }

            ranks[i] = rank;
        }
    }
}
