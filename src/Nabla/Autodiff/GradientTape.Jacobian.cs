namespace Nabla;

public sealed partial class GradientTape
{
    /// <summary>
    /// The Jacobian of <paramref name="target"/> with respect to <paramref name="source"/>, of shape
    /// <c>target.Shape + source.Shape</c>: entry [i..., j...] is d target[i...] / d source[j...]. Null where the
    /// target does not depend on the source (zeros with <see cref="UnconnectedGradients.Zero"/>). Computed
    /// with one backward pass per target element (one-hot output gradients); it counts as the single use of
    /// a non-persistent tape.
    /// </summary>
    /// <exception cref="InvalidOperationException">On a non-persistent tape already used.</exception>
    public Tensor? Jacobian(Tensor target, Tensor source, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Jacobian(target, [source], unconnectedGradients)[0];
    }

    /// <summary>One Jacobian of <paramref name="target"/> per source (see <see cref="Jacobian(Tensor, Tensor, UnconnectedGradients)"/>).</summary>
    /// <exception cref="InvalidOperationException">On a non-persistent tape already used.</exception>
    public Tensor?[] Jacobian(Tensor target, IReadOnlyList<Tensor> sources, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        CheckUnconnected(unconnectedGradients);
        BeginGradient();
        try
        {
            Tensor?[][] rows = Rows(target, sources, target.Size, j => OneHot(target, j, 1, target.Size));
            var result = new Tensor?[sources.Count];
            for (int s = 0; s < result.Length; s++)
            {
                Shape shape = Concat(target.Shape.Dims, sources[s].Shape.Dims);
                Tensor? stacked = Stack(rows[s], sources[s], 0);
                result[s] = stacked is not null ? Tf.Reshape(stacked, shape)
                    : unconnectedGradients == UnconnectedGradients.Zero || target.Size == 0 ? Tf.Zeros(shape, sources[s].DType)
                    : null;
            }

            return result;
        }
        finally
        {
            EndGradient();
        }
    }

    /// <summary>
    /// The Jacobian of each batch row of <paramref name="target"/> (shape <c>[b, y...]</c>) with respect to the same
    /// row of <paramref name="source"/> (shape <c>[b, x...]</c>), of shape <c>[b, y..., x...]</c>, assuming rows are
    /// independent (it is not checked). Zeros where unconnected, whatever <paramref name="unconnectedGradients"/>
    /// says (TensorFlow's legacy behaviour). It counts as the single use of a non-persistent tape.
    /// </summary>
    /// <exception cref="ArgumentException">When either rank is below 2 or the first dimensions differ.</exception>
    /// <exception cref="InvalidOperationException">On a non-persistent tape already used.</exception>
    public Tensor BatchJacobian(Tensor target, Tensor source, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        CheckUnconnected(unconnectedGradients);
        CheckUsable();
        foreach (Shape shape in (ReadOnlySpan<Shape>)[target.Shape, source.Shape])
        {
            if (shape.Rank < 2)
            {
                throw new ArgumentException($"Shape {shape} must have rank at least 2");
            }
        }

        if (target.Shape[0] != source.Shape[0])
        {
            throw new ArgumentException(
                $"Need first dimension of target shape ({target.Shape}) and source shape ({source.Shape}) to match.");
        }

        BeginGradient();
        try
        {
            int batch = target.Shape[0];
            int perRow = batch == 0 ? 0 : target.Size / batch;
            Tensor?[] rows = Rows(target, [source], perRow, j => OneHot(target, j, batch, perRow))[0];
            ReadOnlySpan<int> t = target.Shape.Dims;
            ReadOnlySpan<int> x = source.Shape.Dims;
            Shape shape = Concat(t, x[1..]);
            Tensor? stacked = Stack(rows, source, 1);
            return stacked is null ? Tf.Zeros(shape, target.DType) : Tf.Reshape(stacked, shape);
        }
        finally
        {
            EndGradient();
        }
    }

    /// <summary>One backward pass per output-gradient row: [source][row] gradients.</summary>
    private Tensor?[][] Rows(Tensor target, IReadOnlyList<Tensor> sources, int count, Func<int, Tensor> seed)
    {
        var rows = new Tensor?[sources.Count][];
        for (int s = 0; s < rows.Length; s++)
        {
            rows[s] = new Tensor?[count];
        }

        if (count == 0 || !target.DType.IsFloating)
        {
            return rows;
        }

        using var backprop = new Backprop(this, sources);
        for (int j = 0; j < count; j++)
        {
            Tensor?[] g = backprop.Run([target], [seed(j)], UnconnectedGradients.None);
            for (int s = 0; s < g.Length; s++)
            {
                rows[s][j] = g[s];
            }
        }

        return rows;
    }

    /// <summary>Stacks per-row gradients along <paramref name="axis"/>, zeros standing in for missing rows; null when every row is missing.</summary>
    private static Tensor? Stack(Tensor?[] rows, Tensor source, int axis)
    {
        bool anyConnected = false;
        foreach (Tensor? r in rows)
        {
            anyConnected |= r is not null;
        }

        if (!anyConnected)
        {
            return null;
        }

        var filled = new Tensor[rows.Length];
        for (int j = 0; j < rows.Length; j++)
        {
            filled[j] = rows[j] ?? Tf.ZerosLike(source);
        }

        return new StackOp(axis).Call(filled);
    }

    /// <summary>
    /// An output gradient of <paramref name="target"/>'s shape and dtype: viewed as [outer, inner], a one at
    /// column <paramref name="index"/> of every row.
    /// </summary>
    private static Tensor OneHot(Tensor target, int index, int outer, int inner)
    {
        var values = new double[target.Size];
        for (int o = 0; o < outer; o++)
        {
            values[(o * inner) + index] = 1;
        }

        Tensor onehot = Tf.Constant(values, target.Shape);
        return target.DType == DType.Float64 ? onehot : Tf.Cast(onehot, target.DType);
    }

    private static Shape Concat(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var dims = new int[a.Length + b.Length];
        a.CopyTo(dims);
        b.CopyTo(dims.AsSpan(a.Length));
        return Shape.FromOwnedArray(dims);
    }
}
