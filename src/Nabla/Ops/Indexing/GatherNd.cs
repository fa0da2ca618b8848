namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Gathers slices of <paramref name="params"/> at index tuples: the last axis of <paramref name="indices"/>
    /// (length k) indexes the first k axes; the output's shape is indices.shape[:-1] + params.shape[k:].
    /// The gradient is a <see cref="ScatterNd"/> of the upstream.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When an index is out of range.</exception>
    /// <exception cref="ArgumentException">When the indices are not integers of rank ≥ 1 or k exceeds params' rank.</exception>
    public static Tensor GatherNd(Tensor @params, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(@params, nameof(@params));
        ArgumentNullException.ThrowIfNull(indices);
        IndexRuns.RequireIndexDType("GatherNd", indices, @params.Shape);
        if (indices.Rank == 0)
        {
            throw new ArgumentException($"GatherNd expects indices of rank >= 1, got shape {indices.Shape} (params of shape {@params.Shape}) [Op:GatherNd].");
        }

        return GatherNdOp.Instance.Call(@params, indices);
    }
}

internal sealed class GatherNdOp : Op
{
    public static readonly GatherNdOp Instance = new();

    private GatherNdOp()
        : base("GatherNd")
    {
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor p = inputs[0];
        Tensor indices = inputs[1];
        IndexRuns.NdOffsets(Name, indices, p.Shape, out _);
        int k = indices.Shape.Dims[^1];
        var dims = new List<int>(indices.Rank + p.Rank);
        dims.AddRange(indices.Shape.Dims[..^1]);
        dims.AddRange(p.Shape.Dims[k..]);
        return new TensorSpec(Shape.FromOwnedArray(dims.ToArray()), p.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] offsets = IndexRuns.NdOffsets(Name, inputs[1], inputs[0].Shape, out int inner);
        IndexRuns.Copy(inputs[0], offsets, output, null, offsets.Length, inner);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.ScatterNd(inputs[1], upstream, inputs[0].Shape);
}
