namespace Nabla.Keras;

/// <summary>
/// A two-operand einsum (<c>ab,bc->ac</c>) by one matrix product: each operand is transposed to (batch axes, its own
/// kept axes, summed axes) and reshaped to a (batch, rows, inner) stack of matrices, the product gives (batch, rows,
/// columns), which is reshaped and transposed to the output's order. Axes in one operand only are summed first. All
/// steps are public ops, so the gradient (to any order) and graph tracing come with them; transposes in the identity
/// order are skipped, so the projections of <see cref="MultiHeadAttention"/> are a reshape, a matmul and a reshape.
/// </summary>
internal static class Contraction
{
    /// <summary>The product of <paramref name="a"/> (axes <paramref name="aAxes"/>) and <paramref name="b"/> as <paramref name="outAxes"/>.</summary>
    public static Tensor Contract(string aAxes, string bAxes, string outAxes, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank != aAxes.Length || b.Rank != bAxes.Length)
        {
            throw new ArgumentException(
                $"einsum '{aAxes},{bAxes}->{outAxes}': operands of shapes {a.Shape} ({a.DType}) and {b.Shape} ({b.DType}) do not have " +
                $"ranks {aAxes.Length} and {bAxes.Length}.", nameof(a));
        }

        (a, aAxes) = SumAxesOnlyIn(a, aAxes, bAxes, outAxes);
        (b, bAxes) = SumAxesOnlyIn(b, bAxes, aAxes, outAxes);
        string batch = string.Empty, aKept = string.Empty, bKept = string.Empty, summed = string.Empty;
        foreach (char axis in aAxes)
        {
            bool inB = bAxes.Contains(axis, StringComparison.Ordinal), inOut = outAxes.Contains(axis, StringComparison.Ordinal);
            if (inB && inOut)
            {
                batch += axis;
            }
            else if (inB)
            {
                summed += axis;
            }
            else
            {
                aKept += axis;
            }
        }

        foreach (char axis in bAxes)
        {
            if (!aAxes.Contains(axis, StringComparison.Ordinal))
            {
                bKept += axis;
            }
        }

        foreach (char axis in summed + batch)
        {
            if (a.Shape[aAxes.IndexOf(axis, StringComparison.Ordinal)] != b.Shape[bAxes.IndexOf(axis, StringComparison.Ordinal)])
            {
                throw new ArgumentException(
                    $"einsum '{aAxes},{bAxes}->{outAxes}': axis '{axis}' has size {a.Shape[aAxes.IndexOf(axis, StringComparison.Ordinal)]} in the " +
                    $"first operand {a.Shape} and {b.Shape[bAxes.IndexOf(axis, StringComparison.Ordinal)]} in the second {b.Shape}.", nameof(b));
            }
        }

        int batchSize = Size(a, aAxes, batch), rows = Size(a, aAxes, aKept), inner = Size(a, aAxes, summed), columns = Size(b, bAxes, bKept);
        Tensor aMatrix = Tf.Reshape(Arrange(a, aAxes, batch + aKept + summed), batch.Length > 0 ? [batchSize, rows, inner] : [rows, inner]);
        Tensor bMatrix = Tf.Reshape(Arrange(b, bAxes, batch + summed + bKept), batch.Length > 0 ? [batchSize, inner, columns] : [inner, columns]);
        Tensor product = Tf.MatMul(aMatrix, bMatrix);

        string productAxes = batch + aKept + bKept;
        var productShape = new int[productAxes.Length];
        for (int i = 0; i < productAxes.Length; i++)
        {
            int inA = aAxes.IndexOf(productAxes[i], StringComparison.Ordinal);
            productShape[i] = inA >= 0 ? a.Shape[inA] : b.Shape[bAxes.IndexOf(productAxes[i], StringComparison.Ordinal)];
        }

        return Arrange(Tf.Reshape(product, productShape), productAxes, outAxes);
    }

    // Axes of one operand that are neither in the other nor in the output are summed away before the product.
    private static (Tensor Operand, string Axes) SumAxesOnlyIn(Tensor operand, string axes, string other, string output)
    {
        var summed = new List<int>();
        string kept = string.Empty;
        for (int i = 0; i < axes.Length; i++)
        {
            if (other.Contains(axes[i], StringComparison.Ordinal) || output.Contains(axes[i], StringComparison.Ordinal))
            {
                kept += axes[i];
            }
            else
            {
                summed.Add(i);
            }
        }

        return summed.Count == 0 ? (operand, axes) : (Tf.ReduceSum(operand, [.. summed]), kept);
    }

    // Transposes x from the order `from` to the order `to` (the same letters), or returns it when they agree.
    private static Tensor Arrange(Tensor x, string from, string to)
    {
        if (from.Length != to.Length)
        {
            throw new ArgumentException($"einsum: output axes '{to}' are not a rearrangement of '{from}'.", nameof(to));
        }

        var perm = new int[to.Length];
        bool identity = true;
        for (int i = 0; i < to.Length; i++)
        {
            perm[i] = from.IndexOf(to[i], StringComparison.Ordinal);
            if (perm[i] < 0)
            {
                throw new ArgumentException($"einsum: output axes '{to}' are not a rearrangement of '{from}'.", nameof(to));
            }

            identity &= perm[i] == i;
        }

        return identity ? x : Tf.Transpose(x, perm);
    }

    private static int Size(Tensor x, string axes, string which)
    {
        int size = 1;
        foreach (char axis in which)
        {
            size *= x.Shape[axes.IndexOf(axis, StringComparison.Ordinal)];
        }

        return size;
    }
}
