namespace Nabla;

public static partial class Tf
{
    /// <summary>Inserts a size-1 dimension at <paramref name="axis"/>, in [-rank-1, rank]; shares the buffer (a reshape).</summary>
    /// <exception cref="ArgumentException">When the axis is out of range.</exception>
    public static Tensor ExpandDims(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int rank = x.Rank;
        int a = axis < 0 ? axis + rank + 1 : axis;
        if (a < 0 || a > rank)
        {
            throw new ArgumentException(
                $"ExpandDims axis {axis} is out of range for a tensor of shape {x.Shape}: it must be in [{-rank - 1}, {rank}] [Op:ExpandDims].",
                nameof(axis));
        }

        var dims = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++)
        {
            dims[i] = i == a ? 1 : x.Shape.Dims[j++];
        }

        return Reshape(x, dims);
    }
}
