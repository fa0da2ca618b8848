using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Permutes the dimensions: output axis i is input axis <c>perm[i]</c> (negative axes count from the end).
    /// Without <paramref name="perm"/> the dimensions are reversed (a matrix transpose for rank 2).
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="perm"/> is not a permutation of the input's axes.</exception>
    public static Tensor Transpose(Tensor x, int[]? perm = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        int[] p = TransposeOp.Normalize(x.Shape, perm);
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] != i)
            {
                return new TransposeOp(p).Call(x);
            }
        }

        return Identity(x);
    }
}

internal sealed class TransposeOp(int[] perm) : Op("Transpose")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["perm"] = perm.Clone() };

    public override bool SupportsUnknownDims => true;

    public static int[] Normalize(Shape shape, int[]? perm)
    {
        int rank = shape.Rank;
        var p = new int[rank];
        if (perm is null)
        {
            for (int i = 0; i < rank; i++)
            {
                p[i] = rank - 1 - i;
            }

            return p;
        }

        var seen = new bool[rank];
        bool ok = perm.Length == rank;
        for (int i = 0; ok && i < rank; i++)
        {
            int a = perm[i] < 0 ? perm[i] + rank : perm[i];
            ok = (uint)a < (uint)rank && !seen[a];
            if (ok)
            {
                seen[a] = true;
                p[i] = a;
            }
        }

        return ok ? p : throw new ArgumentException(
            $"Transpose expects perm to be a permutation of the {rank} axes of shape {shape}, got perm {Shape.Format(perm)} [Op:Transpose].",
            nameof(perm));
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var dims = new int[perm.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = x.Shape.Dims[perm[i]];
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] inStrides = StridedCopy.RowMajorStrides(x.Shape.Dims);
        var srcStrides = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            srcStrides[i] = inStrides[perm[i]];
        }

        TensorCopy.Strided(x, 0, srcStrides, output, 0, StridedCopy.RowMajorStrides(output.Shape.Dims), output.Shape.ToArray());
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        result[0] = Tf.Transpose(upstream, inverse);
    }
}
