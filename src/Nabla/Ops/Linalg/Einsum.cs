namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Tensor contraction in Einstein notation (TensorFlow's <c>tf.einsum</c>, NumPy's syntax):
    /// <c>Einsum("ij,jk->ik", a, b)</c> is a matrix product, <c>"bij,bjk->bik"</c> a batched one,
    /// <c>"...ij,...jk->...ik"</c> broadcasts the axes under the ellipses, <c>"ii->i"</c> takes a diagonal,
    /// <c>"ii"</c> the trace (without <c>-&gt;</c> the output holds the ellipsis axes, then the labels that appear
    /// once, alphabetically). Labels repeated in one operand take its diagonal, labels in no later operand and
    /// not in the output are summed first, and the operands are contracted left to right by one
    /// <see cref="MatMul"/> per pair between transposes and reshapes, so the gradient, to any order, is theirs.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// When the equation is malformed, does not fit the operands' ranks, a label has two sizes, or the dtypes differ;
    /// the message names Einsum, the equation and the operands' shapes and dtypes.
    /// </exception>
    public static Tensor Einsum(string equation, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
        {
            throw new ArgumentException($"Einsum: at least one operand is needed (equation '{equation}') [Op:Einsum].", nameof(inputs));
        }

        foreach (Tensor t in inputs)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(inputs));
            if (t.DType != inputs[0].DType)
            {
                throw EinsumEquation.Error(equation, inputs, "the operands must have one dtype (use Tf.Cast)");
            }
        }

        DTypeRules.Require("Einsum", inputs[0].DType, DTypeSet.WideNumeric, inputs[0].Shape);
        EinsumEquation parsed = EinsumEquation.Parse(equation, inputs);
        var operands = new List<EinsumOperand>(inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            operands.Add(new EinsumOperand(inputs[i], parsed.Inputs[i]));
        }

        EinsumOperand.CheckSizes(parsed, inputs);
        for (int i = 0; i < operands.Count; i++)
        {
            string elsewhere = parsed.Output + string.Concat(parsed.Inputs.Where((_, j) => j != i));
            operands[i] = operands[i].TakeDiagonals().SumOut(elsewhere);
        }

        // Left to right: after each pair, keep the labels the output or a later operand still needs.
        while (operands.Count > 1)
        {
            string later = parsed.Output + string.Concat(operands.Skip(2).Select(o => o.Labels));
            operands[1] = EinsumOperand.Contract(operands[0], operands[1], later);
            operands.RemoveAt(0);
        }

        return operands[0].SumOut(parsed.Output).Permute(parsed.Output).Value;
    }
}

/// <summary>A tensor with one einsum label per axis, and the steps of <see cref="Tf.Einsum"/> on it.</summary>
internal readonly record struct EinsumOperand(Tensor Value, string Labels)
{
    /// <summary>
    /// Checks that every label has one size across the operands; axes under an ellipsis may also be 1 against n
    /// (they broadcast, through MatMul's batch broadcasting).
    /// </summary>
    public static void CheckSizes(EinsumEquation equation, Tensor[] inputs)
    {
        var sizes = new Dictionary<char, int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            string labels = equation.Inputs[i];
            for (int axis = 0; axis < labels.Length; axis++)
            {
                char label = labels[axis];
                int size = inputs[i].Shape.Dims[axis];
                bool broadcasts = EinsumEquation.IsEllipsisLabel(label);
                if (!sizes.TryGetValue(label, out int seen) || seen < 0 || (broadcasts && seen == 1))
                {
                    sizes[label] = size;
                }
                else if (seen != size && size >= 0 && !(broadcasts && size == 1))
                {
                    string what = broadcasts
                        ? $"axis {axis} of operand {i} (under the ellipsis) has size {size}, which does not broadcast against {seen}"
                        : $"label '{label}' has size {seen} and size {size} (axis {axis} of operand {i})";
                    throw EinsumEquation.Error(equation.Text, inputs, what);
                }
            }
        }
    }

    /// <summary>A label repeated in this operand keeps only the diagonal of those axes (as the last axis).</summary>
    public EinsumOperand TakeDiagonals()
    {
        EinsumOperand current = this;
        for (int first = 0; first < current.Labels.Length; first++)
        {
            char label = current.Labels[first];
            int second = current.Labels.IndexOf(label, first + 1);
            if (second < 0)
            {
                continue;
            }

            // The two axes go last (the others keep their order), and their diagonal replaces them.
            int rank = current.Labels.Length;
            int[] perm = [.. Enumerable.Range(0, rank).Where(axis => axis != first && axis != second), first, second];
            Tensor moved = Tf.Transpose(current.Value, perm);
            current = new EinsumOperand(Tf.Linalg.DiagPart(moved), current.Labels.Remove(second, 1).Remove(first, 1) + label);
            first = -1;
        }

        return current;
    }

    /// <summary>Sums the axes whose labels are not in <paramref name="kept"/>.</summary>
    public EinsumOperand SumOut(string kept)
    {
        var axes = new List<int>();
        var remaining = new System.Text.StringBuilder();
        for (int axis = 0; axis < Labels.Length; axis++)
        {
            if (kept.Contains(Labels[axis], StringComparison.Ordinal))
            {
                remaining.Append(Labels[axis]);
            }
            else
            {
                axes.Add(axis);
            }
        }

        return axes.Count == 0 ? this : new EinsumOperand(Tf.ReduceSum(Value, [.. axes]), remaining.ToString());
    }

    /// <summary>This operand's axes in the order of <paramref name="order"/> (a permutation of its labels).</summary>
    public EinsumOperand Permute(string order)
    {
        if (order == Labels)
        {
            return this;
        }

        var perm = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            perm[i] = Labels.IndexOf(order[i], StringComparison.Ordinal);
        }

        return new EinsumOperand(Tf.Transpose(Value, perm), order);
    }

    /// <summary>
    /// Contracts two operands with one MatMul: the shared labels in <paramref name="kept"/> are its batch axes, the
    /// other shared ones its inner axis, and each side's own labels its rows or columns (reshaped back afterwards).
    /// </summary>
    public static EinsumOperand Contract(EinsumOperand a, EinsumOperand b, string kept)
    {
        string batch = string.Concat(a.Labels.Where(c => b.Labels.Contains(c, StringComparison.Ordinal) && kept.Contains(c, StringComparison.Ordinal)));
        string inner = string.Concat(a.Labels.Where(c => b.Labels.Contains(c, StringComparison.Ordinal) && !kept.Contains(c, StringComparison.Ordinal)));
        string rows = string.Concat(a.Labels.Where(c => !b.Labels.Contains(c, StringComparison.Ordinal)));
        string columns = string.Concat(b.Labels.Where(c => !a.Labels.Contains(c, StringComparison.Ordinal)));

        Tensor left = a.Permute(batch + rows + inner).Grouped(batch.Length, rows.Length, inner.Length);
        Tensor right = b.Permute(batch + inner + columns).Grouped(batch.Length, inner.Length, columns.Length);
        Tensor product = Tf.MatMul(left, right);

        // The batch axes broadcast (an ellipsis axis of size 1 against n): the product already has their sizes.
        int[] dims = [.. product.Shape.Dims[..batch.Length], .. a.Sizes(rows), .. b.Sizes(columns)];
        if (dims.Count(d => d < 0) <= 1 || product.Shape.Dims.SequenceEqual(dims))
        {
            return new EinsumOperand(Reshape(product, dims), batch + rows + columns);
        }

        // Several unknown sizes: each axis reads its size from the operand it came from when the graph runs.
        var refs = new AxisRef[dims.Length][];
        for (int i = 0; i < batch.Length; i++)
        {
            refs[i] = [new AxisRef(0, i)];
        }

        for (int i = 0; i < rows.Length; i++)
        {
            refs[batch.Length + i] = [new AxisRef(1, a.Labels.IndexOf(rows[i], StringComparison.Ordinal))];
        }

        for (int i = 0; i < columns.Length; i++)
        {
            refs[batch.Length + rows.Length + i] = [new AxisRef(2, b.Labels.IndexOf(columns[i], StringComparison.Ordinal))];
        }

        return new EinsumOperand(ReshapeDimsOp.Run(product, refs, a.Value, b.Value), batch + rows + columns);
    }

    private int[] Sizes(string labels)
    {
        var sizes = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            sizes[i] = Value.Shape.Dims[Labels.IndexOf(labels[i], StringComparison.Ordinal)];
        }

        return sizes;
    }

    // [batch..., rows or inner..., columns or inner...] as [batch..., Π first group, Π second group].
    private Tensor Grouped(int batchRank, int firstRank, int secondRank)
    {
        ReadOnlySpan<int> d = Value.Shape.Dims;
        int first = Product(d.Slice(batchRank, firstRank));
        int second = Product(d.Slice(batchRank + firstRank, secondRank));
        int[] dims = [.. d[..batchRank], first, second];
        if (dims.Count(size => size < 0) <= 1 || d.SequenceEqual(dims))
        {
            return Reshape(Value, dims);
        }

        // Several unknown sizes: the groups' products are taken when the graph runs.
        var groups = new int[batchRank + 2];
        groups.AsSpan(0, batchRank).Fill(1);
        groups[batchRank] = firstRank;
        groups[batchRank + 1] = secondRank;
        return ReshapeDimsOp.Run(Value, ReshapeDimsOp.Groups(groups));
    }

    // An unknown dimension (a traced batch axis) makes the group unknown: Reshape infers it (or ReshapeDimsOp, for several).
    private static int Product(ReadOnlySpan<int> dims)
    {
        int product = 1;
        foreach (int d in dims)
        {
            if (d < 0)
            {
                return -1;
            }

            product *= d;
        }

        return product;
    }

    // Reshape with at most one unknown size (Reshape's -1); callers take several through ReshapeDimsOp.
    private static Tensor Reshape(Tensor x, int[] dims) => x.Shape.Dims.SequenceEqual(dims) ? x : Tf.Reshape(x, dims);
}
