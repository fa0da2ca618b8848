namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Picks slices of <paramref name="params"/> along <paramref name="axis"/> at <paramref name="indices"/> (int32 or
    /// int64, any shape): the output's shape is params[:axis] + indices.shape + params[axis+1:]. The gradient
    /// scatter-adds the upstream back (an unsorted segment sum), so repeated indices accumulate.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When an index is outside [0, params.shape[axis]).</exception>
    /// <exception cref="ArgumentException">When the indices are not integers or the axis is out of range.</exception>
    public static Tensor Gather(Tensor @params, Tensor indices, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(@params, nameof(@params));
        ArgumentNullException.ThrowIfNull(indices);
        IndexRuns.RequireIndexDType("GatherV2", indices, @params.Shape);
        int a = Axes.Normalize("GatherV2", axis, @params.Rank, @params.Shape);
        return new GatherOp(a).Call(@params, indices);
    }
}

internal sealed class GatherOp(int axis) : Op("GatherV2")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis };

    // The output keeps params' other dimensions and indices' shape, known or not.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor p = inputs[0];
        Tensor indices = inputs[1];
        var dims = new List<int>(p.Rank + indices.Rank);
        dims.AddRange(p.Shape.Dims[..axis]);
        dims.AddRange(indices.Shape.Dims);
        dims.AddRange(p.Shape.Dims[(axis + 1)..]);
        return new TensorSpec(Shape.FromOwnedArray(dims.ToArray()), p.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor p = inputs[0];
        long[] idx = IndexRuns.Read(inputs[1]);
        Split(p.Shape, axis, out int outer, out int dim, out int inner);

        // Checked when the values exist (at run time when traced, as TensorFlow's kernel checks them).
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < 0 || idx[i] >= dim)
            {
                throw new IndexOutOfRangeException(
                    $"GatherV2: indices[{i}] = {idx[i]} is not in [0, {dim}) for params of shape {p.Shape} on axis {axis} [Op:GatherV2].");
            }
        }

        var offsets = new int[outer * idx.Length];
        for (int o = 0, r = 0; o < outer; o++)
        {
            for (int k = 0; k < idx.Length; k++, r++)
            {
                offsets[r] = (int)(((o * (long)dim) + idx[k]) * inner);
            }
        }

        IndexRuns.Copy(p, offsets, output, null, offsets.Length, inner);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        // Where the gathered axis is unknown while tracing, the number of segments is read from params when the graph runs.
        int size = inputs[0].Shape.Dims[axis];
        result[0] = SegmentSumOp.Run(upstream, inputs[1], axis, size, sizeFrom: size == Shape.UnknownDim ? inputs[0] : null);
    }

    internal static void Split(Shape shape, int axis, out int outer, out int dim, out int inner)
    {
        outer = 1;
        inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= shape.Dims[i];
        }

        for (int i = axis + 1; i < shape.Rank; i++)
        {
            inner *= shape.Dims[i];
        }

        dim = shape.Dims[axis];
    }
}
