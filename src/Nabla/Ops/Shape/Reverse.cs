using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Reverses the order of the elements along each of <paramref name="axes"/> (negative axes count from the end).</summary>
    /// <exception cref="ArgumentException">When an axis is out of range or given twice.</exception>
    public static Tensor Reverse(Tensor x, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axes);
        var mask = new bool[x.Rank];
        foreach (int axis in axes)
        {
            int a = Axes.Normalize("ReverseV2", axis, x.Rank, x.Shape);
            if (mask[a])
            {
                throw new ArgumentException($"ReverseV2 got axis {axis} twice in {Shape.Format(axes)} for shape {x.Shape} [Op:ReverseV2].", nameof(axes));
            }

            mask[a] = true;
        }

        return axes.Length == 0 ? Identity(x) : new ReverseOp(mask).Call(x);
    }
}

/// <summary>A copy with negative source strides along the reversed axes; its own inverse, so also its gradient.</summary>
internal sealed class ReverseOp(bool[] mask) : Op("ReverseV2")
{
    /// <summary>TensorFlow's attribute for exporters: the reversed axes, ascending.</summary>
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["axis"] = Enumerable.Range(0, mask.Length).Where(i => mask[i]).ToArray() };

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] strides = StridedCopy.RowMajorStrides(x.Shape.Dims);
        int[] src = (int[])strides.Clone();
        int offset = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                offset += (x.Shape.Dims[i] - 1) * strides[i];
                src[i] = -strides[i];
            }
        }

        TensorCopy.Strided(x, offset, src, output, 0, strides, x.Shape.ToArray());
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = new ReverseOp(mask).Call(upstream);
}
