using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The block of <paramref name="x"/> starting at <paramref name="begin"/> with extent <paramref name="size"/>
    /// per axis; a size of -1 takes everything to the end of that axis. The result is a copy.
    /// </summary>
    /// <exception cref="ArgumentException">When the lengths differ from the rank or the block leaves the tensor.</exception>
    public static Tensor Slice(Tensor x, int[] begin, int[] size)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(size);
        int rank = x.Rank;
        if (begin.Length != rank || size.Length != rank)
        {
            throw new ArgumentException(
                $"Slice expects begin and size of length {rank} for shape {x.Shape}, got begin {Shape.Format(begin)} and size {Shape.Format(size)} [Op:Slice].");
        }

        if (!x.Shape.IsFullyDefined)
        {
            return UnknownSizes(x, begin, size);
        }

        var b = (int[])begin.Clone();
        var s = new int[rank];
        bool whole = true;
        for (int i = 0; i < rank; i++)
        {
            int dim = x.Shape.Dims[i];
            s[i] = size[i] == -1 ? dim - b[i] : size[i];
            if (b[i] < 0 || b[i] > dim || s[i] < 0 || b[i] + s[i] > dim)
            {
                throw new ArgumentException(
                    $"Slice of shape {x.Shape} with begin {Shape.Format(begin)} and size {Shape.Format(size)}: " +
                    $"axis {i} needs 0 <= begin <= begin + size <= {dim} [Op:Slice].");
            }

            whole &= b[i] == 0 && s[i] == dim;
        }

        return whole ? Identity(x) : new SliceOp(b, s).Call(x);
    }

    // With unknown sizes the block is a range per axis, checked against the sizes of each call.
    private static Tensor UnknownSizes(Tensor x, int[] begin, int[] size)
    {
        var ranges = new TensorIndex[begin.Length];
        for (int i = 0; i < ranges.Length; i++)
        {
            if (begin[i] < 0 || size[i] < -1)
            {
                throw new ArgumentException(
                    $"Slice of shape {x.Shape} with begin {Shape.Format(begin)} and size {Shape.Format(size)}: " +
                    $"axis {i} needs 0 <= begin and a size of -1 or more [Op:Slice].");
            }

            ranges[i] = new Range(begin[i], size[i] == -1 ? Index.End : begin[i] + size[i]);
        }

        return new StridedSliceOp(ranges).Call(x);
    }
}

/// <summary>A validated block copy; its gradient pads the upstream back with zeros.</summary>
internal sealed class SliceOp(int[] begin, int[] size) : Op("Slice")
{
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["begin"] = begin.Clone(), ["size"] = size.Clone() };

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Shape.FromOwnedArray((int[])size.Clone()), inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] strides = StridedCopy.RowMajorStrides(x.Shape.Dims);
        int offset = 0;
        for (int i = 0; i < begin.Length; i++)
        {
            offset += begin[i] * strides[i];
        }

        TensorCopy.Strided(x, offset, strides, output, 0, StridedCopy.RowMajorStrides(size), size);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Shape shape = inputs[0].Shape;
        var paddings = new int[begin.Length, 2];
        for (int i = 0; i < begin.Length; i++)
        {
            paddings[i, 0] = begin[i];
            paddings[i, 1] = shape.Dims[i] - begin[i] - size[i];
        }

        result[0] = Tf.Pad(upstream, paddings);
    }
}
