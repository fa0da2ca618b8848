namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// TensorFlow's <c>tf.gather(params, indices, axis, batch_dims)</c>: the first <paramref name="batchDims"/>
    /// axes of <paramref name="params"/> and <paramref name="indices"/> are batch axes (equal sizes), and each batch
    /// element gathers from its own slice: output[b..., m..., i..., t...] = params[b..., m..., indices[b..., i...],
    /// t...], of shape params[:axis] + indices.shape[batchDims:] + params[axis+1:]. Negative axis and batchDims count
    /// from the end (batchDims from indices' rank), as in TensorFlow.
    /// </summary>
    /// <remarks>
    /// One flat <see cref="Gather(Tensor, Tensor, int)"/> over params viewed as rows of its trailing axes, with the
    /// row of each (batch, middle, index) position computed here, so the gradient (and every higher order) is
    /// Gather's. Indices are checked against their own axis first: a flat row would otherwise wrap into a
    /// neighbouring batch element silently.
    /// </remarks>
    /// <exception cref="ArgumentException">When batchDims or axis is out of range, or the batch axes differ.</exception>
    /// <exception cref="IndexOutOfRangeException">When an index is outside [0, params.shape[axis]).</exception>
    public static Tensor Gather(Tensor @params, Tensor indices, int axis, int batchDims)
    {
        ArgumentNullException.ThrowIfNull(@params, nameof(@params));
        ArgumentNullException.ThrowIfNull(indices);
        if (batchDims == 0)
        {
            return Gather(@params, indices, axis);
        }

        IndexRuns.RequireIndexDType("GatherV2", indices, @params.Shape);
        int bd = batchDims < 0 ? batchDims + indices.Rank : batchDims;
        int a = axis < 0 ? axis + @params.Rank : axis;
        ReadOnlySpan<int> p = @params.Shape.Dims, q = indices.Shape.Dims;
        bool ok = bd >= 0 && bd <= indices.Rank && a >= bd && a < @params.Rank;
        for (int d = 0; ok && d < bd; d++)
        {
            ok = p[d] == q[d];
        }

        if (!ok && @params.Shape.IsFullyDefined && indices.Shape.IsFullyDefined)
        {
            throw BatchGatherOp.Mismatch(batchDims, axis, @params.Shape, indices.Shape);
        }

        if (!@params.Shape.IsFullyDefined || !indices.Shape.IsFullyDefined)
        {
            // The flat rows below are constants computed from the sizes: with unknown ones, one op finds them per call.
            return new BatchGatherOp(a, bd).Call(@params, indices);
        }

        long batches = Product(p[..bd]), middle = Product(p[bd..a]), tail = Product(p[(a + 1)..]), perBatch = Product(q[bd..]);
        int n = p[a];
        Tensor checkedIndices = new CheckValuesOp("GatherV2", values =>
        {
            // Against the index's own axis: a flat row would otherwise wrap into a neighbouring batch element.
            long[] idx = IndexRuns.Read(values);
            for (int i = 0; i < idx.Length; i++)
            {
                if (idx[i] < 0 || idx[i] >= n)
                {
                    throw new IndexOutOfRangeException(
                        $"GatherV2: indices[{i}] = {idx[i]} is not in [0, {n}) for params of shape {@params.Shape} " +
                        $"on axis {a} with batch_dims {bd} [Op:GatherV2].");
                }
            }
        }).Call(indices);

        // The flat row of (b, m, i) is (b·middle + m)·n + indices[b, i]: a constant start per (b, m) plus the index.
        var starts = new long[batches * middle];
        for (long r = 0; r < starts.Length; r++)
        {
            starts[r] = r * n;
        }

        Tensor rowStarts = Constant(starts, [checked((int)batches), checked((int)middle), 1]);
        Tensor batchIndices = Reshape(Cast(checkedIndices, DType.Int64), [checked((int)batches), 1, checked((int)perBatch)]);
        Tensor rows = Reshape(Add(rowStarts, batchIndices), [-1]);
        var outDims = new int[a + (indices.Rank - bd) + (@params.Rank - a - 1)];
        p[..a].CopyTo(outDims);
        q[bd..].CopyTo(outDims.AsSpan(a));
        p[(a + 1)..].CopyTo(outDims.AsSpan(a + indices.Rank - bd));
        Tensor flatParams = Reshape(@params, [checked((int)(batches * middle * n)), checked((int)tail)]);
        Tensor gathered = Gather(flatParams, rows, 0);
        return Reshape(gathered, outDims);
    }

    private static long Product(ReadOnlySpan<int> dims)
    {
        long product = 1;
        foreach (int d in dims)
        {
            product *= d;
        }

        return product;
    }
}
