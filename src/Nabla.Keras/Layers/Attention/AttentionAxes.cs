namespace Nabla.Keras;

/// <summary>
/// MultiHeadAttention over several axes (Keras's <c>attention_axes</c>) as one batched matrix product: a projected
/// tensor (batch, d1..dk, heads, size) is transposed to (other axes..., heads, attention axes..., size) and reshaped to
/// (others, heads, steps, size), where "others" is the product of the batch and the axes not attended over and "steps"
/// the product of the attention axes. The scores (others, heads, T, S) then take the softmax over all key positions
/// jointly, as Keras normalizes over every source attention axis, and the result is laid out back. Keras's scores
/// layout is (batch, other axes..., heads, query attention axes..., key attention axes...).
/// </summary>
internal sealed class AttentionAxes
{
    private readonly int[] _attended;   // the attention axes, in the order given
    private readonly int[] _others;     // the batch and the axes not attended over, ascending
    private readonly int _heads;        // the heads axis of a projected tensor (the input's rank - 1)

    private AttentionAxes(int[] attended, int[] others, int rank)
    {
        _attended = attended;
        _others = others;
        _heads = rank - 1;
    }

    /// <summary>Whether this is the (batch, steps, features) case, where the layout is the plain heads-first transpose.</summary>
    public bool IsSequence => _others.Length == 1 && _attended.Length == 1 && _heads == 2;

    /// <summary>The rank of the inputs these axes were made for.</summary>
    public int Rank => _heads + 1;

    /// <summary>Whether <paramref name="axis"/> of the inputs is attended over.</summary>
    public bool Attends(int axis) => _attended.Contains(axis);

    /// <summary>
    /// The attention axes of inputs of <paramref name="rank"/> (features last): <paramref name="axes"/>, or every axis
    /// but the batch and the features (Keras's default); each must be one of 1..rank-2, given once.
    /// </summary>
    public static AttentionAxes For(string layer, int rank, IReadOnlyList<int>? axes)
    {
        int[] attended = axes is null ? [.. Enumerable.Range(1, rank - 2)] : [.. axes];
        if (attended.Length == 0 || attended.Any(a => a < 1 || a > rank - 2) || attended.Distinct().Count() != attended.Length)
        {
            throw new ArgumentException(
                $"{layer}: attentionAxes ({string.Join(", ", attended)}) must name distinct axes among 1..{rank - 2} of inputs of rank {rank} " +
                "(not the batch axis 0 nor the features axis).", nameof(axes));
        }

        return new AttentionAxes(attended, [.. Enumerable.Range(0, rank - 1).Where(a => !attended.Contains(a))], rank);
    }

    /// <summary>A projected (batch, d..., heads, size) tensor as (others, heads, steps, size).</summary>
    public Tensor ToMatrices(Tensor projected)
    {
        int[] permutation = [.. _others, _heads, .. _attended, _heads + 1];
        Tensor moved = Tf.Transpose(projected, permutation);
        if (IsSequence)
        {
            return moved;
        }

        int[] dims = projected.Shape.ToArray();
        return Tf.Reshape(moved, [Product(dims, _others), dims[_heads], Product(dims, _attended), dims[_heads + 1]]);
    }

    /// <summary>The attention result (others, heads, T, size) back as (batch, d..., heads, size), the query's layout.</summary>
    public Tensor FromMatrices(Tensor result, Shape queryProjected)
    {
        int[] dims = queryProjected.ToArray();
        int size = result.Shape[3];
        int[] permutation = [.. _others, _heads, .. _attended, _heads + 1];
        Tensor laidOut = IsSequence ? result : Tf.Reshape(result, [.. _others.Select(a => dims[a]), dims[_heads], .. _attended.Select(a => dims[a]), size]);
        var inverse = new int[permutation.Length];
        for (int i = 0; i < permutation.Length; i++)
        {
            inverse[permutation[i]] = i;
        }

        return Tf.Transpose(laidOut, inverse);
    }

    /// <summary>Probabilities (others, heads, T, S) in Keras's scores layout (batch, others..., heads, T axes..., S axes...).</summary>
    public Tensor ScoresLayout(Tensor probabilities, Shape queryProjected, Shape keyProjected) =>
        IsSequence ? probabilities : Tf.Reshape(probabilities, ScoresShape(queryProjected, keyProjected));

    /// <summary>
    /// A boolean attention mask (batch, others..., T axes..., S axes..., or broadcastable) as (others, 1, T, S): Keras's
    /// heads axis inserted before the query's attention axes, broadcast, and flattened as the scores are.
    /// </summary>
    public Tensor FlattenMask(Tensor mask, Shape queryProjected, Shape keyProjected)
    {
        int[] scores = ScoresShape(queryProjected, keyProjected);
        while (mask.Rank < scores.Length)
        {
            mask = Tf.ExpandDims(mask, (-2 * _attended.Length) - 1);
        }

        if (IsSequence)
        {
            return mask;
        }

        scores[_others.Length] = 1;   // the heads axis stays 1: it broadcasts against every head
        Tensor full = Tf.BroadcastTo(mask, scores);
        int[] dims = queryProjected.ToArray();
        return Tf.Reshape(full, [Product(dims, _others), 1, Product(dims, _attended), Product(keyProjected.ToArray(), _attended)]);
    }

    /// <summary>
    /// The masks of attention over these axes merged by AND in Keras's layout (batch, others..., T axes..., S axes...), for
    /// <see cref="FlattenMask"/>: the explicit <paramref name="attentionMask"/>, the query's Keras mask (its padded
    /// positions see nothing), the value's and key's (positions not to attend to), and the causal mask (every later
    /// position in row-major order). Keras builds the implicit ones for (batch, steps) only; there they are the same.
    /// </summary>
    public Tensor? MergeMasks(string layer, Shape query, Shape value, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask, Tensor? attentionMask,
        bool useCausalMask)
    {
        Tensor? mask = attentionMask is null ? null : AttentionMasks.AsBool(attentionMask);
        if (queryMask is not null)
        {
            CheckPositionsMask(layer, "the query's mask", queryMask, query);
            mask = AttentionMasks.And(mask, QueryPositions(queryMask));
        }

        foreach ((string what, Tensor? positions) in new[] { ("the value's mask", valueMask), ("the key's mask", keyMask) })
        {
            if (positions is not null)
            {
                CheckPositionsMask(layer, what, positions, value);
                mask = AttentionMasks.And(mask, KeyPositions(positions));
            }
        }

        return useCausalMask ? AttentionMasks.And(mask, Causal(query, value)) : mask;
    }

    private static void CheckPositionsMask(string layer, string what, Tensor mask, Shape input)
    {
        int[] expected = input.ToArray()[..^1];
        if (!mask.Shape.ToArray().SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"{layer}: {what} has shape {mask.Shape} ({mask.DType}); expected ({string.Join(", ", expected)}), its input's shape without the features.",
                nameof(mask));
        }
    }

    // The masks below are in Keras's scores layout without the heads axis, (batch, others..., T axes..., S axes...), with
    // size 1 where they do not vary, so that they AND with an explicit attentionMask and then go through FlattenMask.

    // A query's Keras mask (batch, d1..dk): which query positions exist, as (others..., T axes..., 1 per S axis).
    private Tensor QueryPositions(Tensor mask)
    {
        Tensor moved = Tf.Transpose(AttentionMasks.AsBool(mask), [.. _others, .. _attended]);
        return Tf.Reshape(moved, [.. moved.Shape.ToArray(), .. Enumerable.Repeat(1, _attended.Length)]);
    }

    // A value's or key's Keras mask (batch, d1..dk): which key positions may be seen, as (others..., 1 per T axis, S axes...).
    private Tensor KeyPositions(Tensor mask)
    {
        Tensor moved = Tf.Transpose(AttentionMasks.AsBool(mask), [.. _others, .. _attended]);
        int[] dims = moved.Shape.ToArray();
        return Tf.Reshape(moved, [.. dims[.._others.Length], .. Enumerable.Repeat(1, _attended.Length), .. dims[_others.Length..]]);
    }

    // The causal mask over the attention positions in row-major order of the attention axes (as given): query position i
    // sees key positions j <= i, which over one axis is Keras's lower triangle; as (1 per other axis, T axes..., S axes...).
    private Tensor Causal(Shape query, Shape value)
    {
        int[] q = query.ToArray(), v = value.ToArray();
        Tensor lower = AttentionMasks.Causal(Product(q, _attended), Product(v, _attended));
        return Tf.Reshape(lower, [.. Enumerable.Repeat(1, _others.Length), .. _attended.Select(a => q[a]), .. _attended.Select(a => v[a])]);
    }

    private int[] ScoresShape(Shape queryProjected, Shape keyProjected)
    {
        int[] q = queryProjected.ToArray();
        int[] k = keyProjected.ToArray();
        var shape = new List<int>();
        foreach (int a in _others)
        {
            shape.Add(q[a]);
        }

        shape.Add(q[_heads]);
        foreach (int a in _attended)
        {
            shape.Add(q[a]);
        }

        foreach (int a in _attended)
        {
            shape.Add(k[a]);
        }

        return [.. shape];
    }

    private static int Product(int[] dims, int[] axes)
    {
        int product = 1;
        foreach (int a in axes)
        {
            product *= dims[a];
        }

        return product;
    }
}
