namespace Nabla.Keras;

/// <summary>The masks attention layers share: the causal mask, merging masks, and Keras's masked softmax.</summary>
internal static class AttentionMasks
{
    // Keras's stand-in for minus infinity on masked scores (-3e4 in float16, which Nabla does not compute in).
    private const double LargeNegative = -1e9;

    /// <summary>
    /// The causal mask (1, <paramref name="queryLength"/>, <paramref name="valueLength"/>): query step <c>i</c> sees
    /// value steps <c>j &lt;= i</c> (Keras's <c>_compute_causal_mask</c>, a lower triangle). A constant: the lengths are
    /// known when the layer runs, traced or not.
    /// </summary>
    public static Tensor Causal(int queryLength, int valueLength)
    {
        var values = new bool[queryLength * valueLength];
        for (int i = 0; i < queryLength; i++)
        {
            for (int j = 0; j <= i && j < valueLength; j++)
            {
                values[(i * valueLength) + j] = true;
            }
        }

        return Tf.Constant(values, new Shape(1, queryLength, valueLength));
    }

    /// <summary><paramref name="a"/> and <paramref name="b"/> (either may be null), as booleans.</summary>
    public static Tensor? And(Tensor? a, Tensor? b)
    {
        a = a is null ? null : AsBool(a);
        b = b is null ? null : AsBool(b);
        return a is null ? b : b is null ? a : Tf.LogicalAnd(a, b);
    }

    /// <summary>A mask as booleans (Keras casts masks defensively: nonzero is true).</summary>
    public static Tensor AsBool(Tensor mask) => mask.DType == DType.Bool ? mask : Tf.Cast(mask, DType.Bool);

    /// <summary>
    /// Softmax over the last axis where <paramref name="mask"/> holds (Keras's <c>Softmax</c> with a mask): masked scores
    /// become -1e9 before the softmax and the probabilities are multiplied by the mask after it, so a row with every
    /// position masked (a padded query) gives zeros rather than a uniform distribution.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor scores, Tensor? mask)
    {
        if (mask is null)
        {
            return Tf.Nn.Softmax(scores);
        }

        Tensor masked = Tf.Where(mask, scores, Tf.Cast(LargeNegative, scores.DType));
        return Tf.Multiply(Tf.Nn.Softmax(masked), Tf.Cast(mask, scores.DType));
    }

    /// <summary>Throws unless <paramref name="mask"/> broadcasts to <paramref name="target"/> (aligned at the right).</summary>
    public static void CheckBroadcasts(string layer, string what, Tensor mask, Shape target)
    {
        bool fits = mask.Rank <= target.Rank;
        for (int i = 1; fits && i <= mask.Rank; i++)
        {
            int size = mask.Shape[mask.Rank - i];
            fits = size == 1 || size == target[target.Rank - i];
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{layer}: {what} of shape {mask.Shape} ({mask.DType}) does not broadcast to the attention scores' shape {target}.", nameof(mask));
        }
    }
}
