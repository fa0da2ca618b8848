namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// A zero tensor of <paramref name="shape"/> into which <paramref name="updates"/> are added at index tuples
    /// (the last axis of <paramref name="indices"/>); duplicate indices add up, as in TensorFlow. updates must have
    /// shape indices.shape[:-1] + shape[k:]. The gradient of updates is a <see cref="GatherNd"/> of the upstream.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When an index is out of range.</exception>
    /// <exception cref="ArgumentException">When the shapes disagree or the dtypes are unsupported.</exception>
    public static Tensor ScatterNd(Tensor indices, Tensor updates, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(updates);
        IndexRuns.RequireIndexDType("ScatterNd", indices, shape);
        if (updates.DType.IsReducedPrecision)
        {
            return Cast(ScatterNd(indices, Cast(updates, DType.Float32), shape), updates.DType);
        }

        DTypeRules.Require("ScatterNd", updates.DType, DTypeSet.Numeric, updates.Shape);
        if (indices.Rank == 0)
        {
            throw new ArgumentException($"ScatterNd expects indices of rank >= 1, got shape {indices.Shape} [Op:ScatterNd].");
        }

        return new ScatterNdOp(shape).Call(indices, updates);
    }
}

internal sealed class ScatterNdOp(Shape shape) : Op("ScatterNd")
{
    /// <summary>Checks that updates has shape indices.shape[:-1] + target[k:].</summary>
    public static void CheckUpdates(string op, Tensor indices, Tensor updates, Shape target)
    {
        int k = indices.Shape.Dims[^1];
        var expected = new List<int>(indices.Rank + target.Rank);
        expected.AddRange(indices.Shape.Dims[..^1]);
        if (k <= target.Rank)
        {
            expected.AddRange(target.Dims[k..]);
        }

        if (!updates.Shape.Dims.SequenceEqual(expected.ToArray()))
        {
            throw new ArgumentException(
                $"{op}: updates of shape {updates.Shape} must have shape {Shape.Format(expected.ToArray())} " +
                $"(indices {indices.Shape}, target shape {target}) [Op:{op}].");
        }
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        IndexRuns.NdOffsets(Name, inputs[0], shape, out _);
        CheckUpdates(Name, inputs[0], inputs[1], shape);
        return new TensorSpec(shape, inputs[1].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] offsets = IndexRuns.NdOffsets(Name, inputs[0], shape, out int inner);
        IndexRuns.ZeroAndAdd(inputs[1], output, offsets, inner);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[1] = Tf.GatherNd(upstream, inputs[0]);
}
