namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The distinct values of the vector <paramref name="x"/> in order of first occurrence, and for every element
    /// the position of its value among them (TensorFlow's <c>tf.unique</c>): <c>x == Gather(Y, Idx)</c>.
    /// <paramref name="outIdx"/> is int32 (default) or int64. Y is gathered from x at the first occurrences, so
    /// the gradient of Y flows back to those elements. Traced on values only known when the function runs, Y's length
    /// is unknown (None) and found when the graph runs, as in TensorFlow.
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

        Tensor idx = new UniqueIndexOp(indexType).Call(x);
        Tensor first = new FirstOccurrencesOp(indexType).Call(x);
        return (Gather(x, first), idx);
    }
}

/// <summary>For each element of a vector, the rank of its value among the distinct values in first-seen order.</summary>
internal sealed class UniqueIndexOp(DType indexType) : Op("Unique")
{
    // The output has the input's length, known or not.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        RequireVector(x);

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

    /// <summary>Throws TensorFlow's error unless <paramref name="x"/> is a vector.</summary>
    internal static void RequireVector(Tensor x)
    {
        if (x.Rank != 1)
        {
            throw new ArgumentException($"Unique: unique expects a 1D vector, got {x.DType} of shape {x.Shape} [Op:Unique].");
        }
    }

    /// <summary>For each element of <paramref name="x"/> (a vector with values), the rank of its value in first-seen order.</summary>
    internal static int[] Ranks(Tensor x)
    {
        Tensor ranks = new UniqueIndexOp(DType.Int32).Evaluate([x], new TensorSpec(x.Shape, DType.Int32));
        return ranks.Read<int>().ToArray();
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

/// <summary>
/// The position of each distinct value's first occurrence in a vector, in first-seen order: Unique's Y is x gathered
/// there. Its length is the number of distinct values, so a graph sizes it when the kernel runs.
/// </summary>
internal sealed class FirstOccurrencesOp(DType indexType) : Op("UniqueFirstOccurrences")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        UniqueIndexOp.RequireVector(x);
        int count = Shape.UnknownDim;
        if (ShapeLike.HasValues(x))
        {
            int[] ranks = UniqueIndexOp.Ranks(ShapeLike.Values(x));
            count = 0;
            foreach (int rank in ranks)
            {
                count = Math.Max(count, rank + 1);
            }
        }

        return new TensorSpec(Shape.FromOwnedArray([count]), indexType);
    }

    // No gradient: the positions are integers.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] ranks = UniqueIndexOp.Ranks(inputs[0]);
        bool wide = indexType == DType.Int64;
        for (int i = 0, next = 0; i < ranks.Length; i++)
        {
            if (ranks[i] == next)
            {
                // A rank is new exactly when it is the next one: ranks are given in first-seen order.
                if (wide)
                {
                    output.Write<long>()[next++] = i;
                }
                else
                {
                    output.Write<int>()[next++] = i;
                }
            }
        }
    }
}
