namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// A copy of <paramref name="tensor"/> with the slices at index tuples (the last axis of
    /// <paramref name="indices"/>) replaced by <paramref name="updates"/>. The gradient is the upstream with the
    /// updated positions zeroed for the tensor, and the upstream gathered there for the updates.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When an index is out of range.</exception>
    /// <exception cref="ArgumentException">When the shapes or dtypes disagree.</exception>
    public static Tensor TensorScatterUpdate(Tensor tensor, Tensor indices, Tensor updates)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(updates);
        IndexRuns.RequireIndexDType("TensorScatterUpdate", indices, tensor.Shape);
        if (indices.Rank == 0)
        {
            throw new ArgumentException($"TensorScatterUpdate expects indices of rank >= 1, got shape {indices.Shape} [Op:TensorScatterUpdate].");
        }

        return TensorScatterUpdateOp.Instance.Call(tensor, indices, updates);
    }
}

internal sealed class TensorScatterUpdateOp : Op
{
    public static readonly TensorScatterUpdateOp Instance = new();

    private TensorScatterUpdateOp()
        : base("TensorScatterUpdate")
    {
    }

    // The updates take the tensor's dtype (a weak C# value converts; strong ones must agree).
    protected override void ApplyDTypeRules(Span<Tensor> inputs) => DTypeRules.Unify(Name, ref inputs[0], ref inputs[2], inputsOnly: true);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        IndexRuns.NdOffsets(Name, inputs[1], inputs[0].Shape, out _);
        ScatterNdOp.CheckUpdates(Name, inputs[1], inputs[2], inputs[0].Shape);
        return new TensorSpec(inputs[0].Shape, inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor t = inputs[0];
        int[] offsets = IndexRuns.NdOffsets(Name, inputs[1], t.Shape, out int inner);
        IndexRuns.Copy(t, null, output, null, 1, t.Size);
        IndexRuns.Copy(inputs[2], null, output, offsets, offsets.Length, inner);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor indices = inputs[1];
        result[0] = needsGradient[0] ? Tf.TensorScatterUpdate(upstream, indices, Tf.ZerosLike(inputs[2], upstream.DType)) : null;
        result[2] = needsGradient[2] ? Tf.GatherNd(upstream, indices) : null;
    }
}
