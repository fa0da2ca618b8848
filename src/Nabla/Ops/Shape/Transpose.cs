namespace Nabla;

// TEMPORARY STUB (linalg branch): a simple, correct Transpose so that Tensordot compiles and is tested. The shape
// engineer's real Tf.Transpose replaces this file at merge.
public static partial class Tf
{
    /// <summary>Permutes the dimensions: output dimension i is input dimension <c>perm[i]</c> (reversed when null).</summary>
    /// <exception cref="ArgumentException">When <paramref name="perm"/> is not a permutation of the input's axes.</exception>
    public static Tensor Transpose(Tensor x, int[]? perm = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        int rank = x.Rank;
        int[] p = perm is null ? ReversedAxes(rank) : (int[])perm.Clone();
        return new TransposeOp(p).Call(x);
    }

    private static int[] ReversedAxes(int rank)
    {
        var p = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            p[i] = rank - 1 - i;
        }

        return p;
    }
}

internal sealed class TransposeOp(int[] perm) : Op("Transpose")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var seen = new bool[x.Rank];
        bool ok = perm.Length == x.Rank;
        for (int i = 0; ok && i < perm.Length; i++)
        {
            int a = perm[i] < 0 ? perm[i] + x.Rank : perm[i];
            ok = (uint)a < (uint)x.Rank && !seen[a];
            if (ok)
            {
                seen[a] = true;
                perm[i] = a;
            }
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"Transpose of a tensor of shape {x.Shape} ({x.DType}): {Shape.Format(perm)} is not a permutation of its {x.Rank} axes [Op:Transpose].");
        }

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
        switch (x.DType.Size)
        {
            case 1: Permute(x.Read<byte>(), x.Shape.Dims, output.Write<byte>()); break;
            case 2: Permute(x.Read<short>(), x.Shape.Dims, output.Write<short>()); break;
            case 4: Permute(x.Read<int>(), x.Shape.Dims, output.Write<int>()); break;
            default: Permute(x.Read<long>(), x.Shape.Dims, output.Write<long>()); break;
        }
    }

    public override Tensor?[] Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        return [Tf.Transpose(upstream, inverse)];
    }

    private void Permute<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> inDims, Span<T> y)
    {
        int rank = perm.Length;
        if (rank == 0)
        {
            y[0] = x[0];
            return;
        }

        var inStrides = new long[rank];
        long stride = 1;
        for (int a = rank - 1; a >= 0; a--)
        {
            inStrides[a] = stride;
            stride *= inDims[a];
        }

        var outDims = new int[rank];
        var steps = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            outDims[i] = inDims[perm[i]];
            steps[i] = inStrides[perm[i]];
        }

        var index = new int[rank];
        long offset = 0;
        for (int o = 0; o < y.Length; o++)
        {
            y[o] = x[(int)offset];
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                offset += steps[axis];
                if (index[axis] < outDims[axis])
                {
                    break;
                }

                offset -= steps[axis] * index[axis];
                index[axis] = 0;
            }
        }
    }
}
