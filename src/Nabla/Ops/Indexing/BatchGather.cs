namespace Nabla;

/// <summary>
/// Gather with batch axes (<see cref="Tf.Gather(Tensor, Tensor, int, int)"/>) for tensors whose sizes are only
/// known when a traced graph runs: output[b..., m..., i..., t...] = params[b..., m..., indices[b..., i...], t...].
/// Eager code and fully known traces lower the same gather to one flat Gather whose rows are constants computed
/// from the sizes; this op computes those rows from the sizes of each call, and copies the same elements. Its
/// gradient is <see cref="BatchScatterAddOp"/>, whose gradient is this op again (any order).
/// </summary>
internal sealed class BatchGatherOp(int axis, int batchDims) : Op("BatchGather")
{
    // Not named GatherV2: exporters that read GatherV2's axis alone would drop the batch axes.
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["axis"] = axis, ["batch_dims"] = batchDims };

    public override bool SupportsUnknownDims => true;

    /// <summary>TensorFlow-style error for batch_dims and axis that do not fit the shapes.</summary>
    public static ArgumentException Mismatch(int batchDims, int axis, Shape @params, Shape indices) => new(
        $"GatherV2: batch_dims {batchDims} and axis {axis} must satisfy 0 <= batch_dims <= indices rank ({indices.Rank}), " +
        $"batch_dims <= axis < params rank ({@params.Rank}), with equal batch axes; params {@params}, indices {indices} [Op:GatherV2].");

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape p = inputs[0].Shape, q = inputs[1].Shape;
        IndexRuns.RequireIndexDType("GatherV2", inputs[1], p);
        bool ok = batchDims >= 0 && batchDims <= q.Rank && axis >= batchDims && axis < p.Rank;
        for (int d = 0; ok && d < batchDims; d++)
        {
            ok = ShapeLike.Compatible(p.Dims[d], q.Dims[d]);
        }

        if (!ok)
        {
            throw Mismatch(batchDims, axis, p, q);
        }

        int[] dims = [.. p.Dims[..axis], .. q.Dims[batchDims..], .. p.Dims[(axis + 1)..]];
        for (int d = 0; d < batchDims; d++)
        {
            dims[d] = p.Dims[d] == Shape.UnknownDim ? q.Dims[d] : p.Dims[d]; // a batch size either side knows
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] offsets = Offsets(inputs[0].Shape, inputs[1], out int tail);
        IndexRuns.Copy(inputs[0], offsets, output, null, offsets.Length, tail);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = BatchScatterAddOp.Run(upstream, inputs[1], inputs[0], axis, batchDims);
        }
    }

    /// <summary>
    /// The element offset in params (of fully known shape <paramref name="p"/>) of the run each (batch, middle,
    /// index) position reads, in the output's order; <paramref name="tail"/> is the run's length. Throws for an
    /// index outside its own axis (a flat row would otherwise wrap into a neighbouring batch element).
    /// </summary>
    internal int[] Offsets(Shape p, Tensor indices, out int tail)
    {
        Shape q = indices.Shape;
        for (int d = 0; d < batchDims; d++)
        {
            if (p.Dims[d] != q.Dims[d])
            {
                throw Mismatch(batchDims, axis, p, q);
            }
        }

        int batches = Product(p.Dims[..batchDims]), middle = Product(p.Dims[batchDims..axis]), perBatch = Product(q.Dims[batchDims..]);
        int n = p.Dims[axis];
        tail = Product(p.Dims[(axis + 1)..]);
        long[] idx = IndexRuns.Read(indices);
        var offsets = new int[batches * middle * perBatch];
        for (int b = 0, r = 0; b < batches; b++)
        {
            for (int m = 0; m < middle; m++)
            {
                for (int i = 0; i < perBatch; i++, r++)
                {
                    long index = idx[(b * perBatch) + i];
                    if (index < 0 || index >= n)
                    {
                        throw new IndexOutOfRangeException(
                            $"GatherV2: indices[{(b * perBatch) + i}] = {index} is not in [0, {n}) for params of shape {p} " +
                            $"on axis {axis} with batch_dims {batchDims} [Op:GatherV2].");
                    }

                    offsets[r] = checked((int)(((((long)b * middle) + m) * n + index) * tail));
                }
            }
        }

        return offsets;
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        int product = 1;
        foreach (int d in dims)
        {
            product = checked(product * d);
        }

        return product;
    }
}

/// <summary>
/// The gradient of <see cref="BatchGatherOp"/>: its first input added into zeros shaped like its third input at the
/// runs the gather read (so repeated indices accumulate, in the same order as Gather's gradient adds them).
/// float16/bfloat16 are added in float32.
/// </summary>
internal sealed class BatchScatterAddOp(BatchGatherOp gather, int axis, int batchDims) : Op("BatchScatterAdd")
{
    public override bool SupportsUnknownDims => true;

    /// <summary>Adds <paramref name="updates"/> into zeros of <paramref name="like"/>'s shape at the gather's runs.</summary>
    public static Tensor Run(Tensor updates, Tensor indices, Tensor like, int axis, int batchDims)
    {
        var op = new BatchScatterAddOp(new BatchGatherOp(axis, batchDims), axis, batchDims);
        if (updates.DType.IsReducedPrecision)
        {
            return Tf.Cast(op.Call(Tf.Cast(updates, DType.Float32), indices, like), updates.DType);
        }

        DTypeRules.Require("UnsortedSegmentSum", updates.DType, DTypeSet.Numeric, updates.Shape);
        return op.Call(updates, indices, like);
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape gathered = gather.InferOutput([inputs[2], inputs[1]]).Shape;
        if (!gathered.IsCompatibleWith(inputs[0].Shape))
        {
            throw new ArgumentException(
                $"{Name}: updates of shape {inputs[0].Shape} do not fit the gather of shape {gathered} from {inputs[2].Shape} " +
                $"(axis {axis}, batch_dims {batchDims}).");
        }

        return new TensorSpec(inputs[2].Shape, inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] offsets = gather.Offsets(output.Shape, inputs[1], out int tail);
        IndexRuns.ZeroAndAdd(inputs[0], output, offsets, tail);
    }

    // The gather of the upstream's gradient at the same indices; indices and the shape input get none.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = gather.Call(upstream, inputs[1]);
        }
    }
}
