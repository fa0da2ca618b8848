using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Repeats <paramref name="x"/> <c>multiples[i]</c> times along axis i (the output's dims are dim × multiple).</summary>
    /// <exception cref="ArgumentException">When the length of <paramref name="multiples"/> differs from the rank or one is negative.</exception>
    public static Tensor Tile(Tensor x, int[] multiples)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(multiples);
        if (multiples.Length != x.Rank)
        {
            throw new ArgumentException(
                $"Tile expects multiples of length {x.Rank} for a tensor of shape {x.Shape}, got {Shape.Format(multiples)} [Op:Tile].", nameof(multiples));
        }

        bool ones = true;
        foreach (int m in multiples)
        {
            if (m < 0)
            {
                throw new ArgumentException($"Tile expects non-negative multiples, got {Shape.Format(multiples)} for shape {x.Shape} [Op:Tile].", nameof(multiples));
            }

            ones &= m == 1;
        }

        return ones ? Identity(x) : new TileOp((int[])multiples.Clone()).Call(x);
    }
}

/// <summary>Copies through an interleaved (multiple, dim) walk whose multiple axes have source stride 0.</summary>
internal sealed class TileOp(int[] multiples) : Op("Tile")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var dims = new int[x.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            long dim = (long)x.Shape.Dims[i] * multiples[i];
            if (dim > int.MaxValue)
            {
                throw new ArgumentException(
                    $"Tile: dimension {i} of shape {x.Shape} ({x.DType}) times multiple {multiples[i]} is {dim}, more than a dimension can hold [Op:Tile].");
            }

            dims[i] = (int)dim;
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] walk = Interleaved(x.Shape);
        int[] inStrides = StridedCopy.RowMajorStrides(x.Shape.Dims);
        var src = new int[walk.Length];
        for (int i = 0; i < inStrides.Length; i++)
        {
            src[(2 * i) + 1] = inStrides[i];
        }

        TensorCopy.Strided(x, 0, src, output, 0, StridedCopy.RowMajorStrides(walk), walk);
    }

    // Each input element appears once per tile: sum the tiles of the upstream.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        var axes = new int[multiples.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = 2 * i;
        }

        result[0] = Tf.ReduceSum(Tf.Reshape(upstream, Interleaved(inputs[0].Shape)), axes);
    }

    private int[] Interleaved(Shape shape)
    {
        var walk = new int[2 * shape.Rank];
        for (int i = 0; i < shape.Rank; i++)
        {
            walk[2 * i] = multiples[i];
            walk[(2 * i) + 1] = shape.Dims[i];
        }

        return walk;
    }
}
