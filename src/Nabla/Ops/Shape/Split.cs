namespace Nabla;

public static partial class Tf
{
    /// <summary>Splits <paramref name="x"/> into <paramref name="numSplits"/> equal parts along <paramref name="axis"/>.</summary>
    /// <exception cref="ArgumentException">When the dimension is not divisible by <paramref name="numSplits"/>, or the axis is out of range.</exception>
    public static Tensor[] Split(Tensor x, int numSplits, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = Axes.Normalize("Split", axis, x.Rank, x.Shape);
        int dim = x.Shape.Dims[a];
        if (numSplits <= 0 || dim % numSplits != 0)
        {
            throw new ArgumentException(
                $"Split: number of ways to split should evenly divide the split dimension, but got split_dim {axis} (size = {dim}) " +
                $"and num_split {numSplits} for shape {x.Shape} [Op:Split].", nameof(numSplits));
        }

        var sizes = new int[numSplits];
        Array.Fill(sizes, dim / numSplits);
        return SplitBySizes(x, sizes, a);
    }

    /// <summary>Splits <paramref name="x"/> into parts of the given sizes along <paramref name="axis"/>; one size may be -1 (the rest).</summary>
    /// <exception cref="ArgumentException">When the sizes do not add up to the dimension, or the axis is out of range.</exception>
    public static Tensor[] Split(Tensor x, int[] sizeSplits, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sizeSplits);
        int a = Axes.Normalize("SplitV", axis, x.Rank, x.Shape);
        int dim = x.Shape.Dims[a];
        var sizes = (int[])sizeSplits.Clone();
        int inferred = -1;
        long known = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1 && inferred < 0)
            {
                inferred = i;
            }
            else if (sizes[i] < 0)
            {
                throw new ArgumentException(
                    $"SplitV: size_splits {Shape.Format(sizeSplits)} may hold one -1 and otherwise non-negative sizes (shape {x.Shape}) [Op:SplitV].",
                    nameof(sizeSplits));
            }
            else
            {
                known += sizes[i];
            }
        }

        if (inferred >= 0 && known <= dim)
        {
            sizes[inferred] = dim - (int)known;
            known = dim;
        }

        if (known != dim || sizes.Length == 0)
        {
            throw new ArgumentException(
                $"SplitV: determined shape must either match input shape along split_dim exactly if fully specified, or be less than " +
                $"the size of the input along split_dim if not fully specified; got size_splits {Shape.Format(sizeSplits)} " +
                $"for axis {axis} of shape {x.Shape} [Op:SplitV].", nameof(sizeSplits));
        }

        return SplitBySizes(x, sizes, a);
    }

    private static Tensor[] SplitBySizes(Tensor x, int[] sizes, int axis)
    {
        var parts = new Tensor[sizes.Length];
        var begin = new int[x.Rank];
        int[] size = x.Shape.ToArray();
        for (int i = 0; i < sizes.Length; i++)
        {
            size[axis] = sizes[i];
            parts[i] = Slice(x, begin, size);
            begin[axis] += sizes[i];
        }

        return parts;
    }
}
