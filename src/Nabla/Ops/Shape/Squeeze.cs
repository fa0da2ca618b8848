namespace Nabla;

public static partial class Tf
{
    /// <summary>Removes size-1 dimensions: those in <paramref name="axes"/>, or all of them when null. Shares the buffer (a reshape).</summary>
    /// <exception cref="ArgumentException">When an axis is out of range or its dimension is not 1.</exception>
    public static Tensor Squeeze(Tensor x, int[]? axes = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        int rank = x.Rank;
        var drop = new bool[rank];
        if (axes is null)
        {
            for (int i = 0; i < rank; i++)
            {
                drop[i] = x.Shape.Dims[i] == 1;
            }
        }
        else
        {
            foreach (int axis in axes)
            {
                int a = Axes.Normalize("Squeeze", axis, rank, x.Shape);
                if (x.Shape.Dims[a] != 1)
                {
                    throw new ArgumentException(
                        $"Can not squeeze dim[{axis}], expected a dimension of 1, got {x.Shape.Dims[a]} for shape {x.Shape} [Op:Squeeze].",
                        nameof(axes));
                }

                drop[a] = true;
            }
        }

        var dims = new List<int>(rank);
        for (int i = 0; i < rank; i++)
        {
            if (!drop[i])
            {
                dims.Add(x.Shape.Dims[i]);
            }
        }

        return Reshape(x, dims.ToArray());
    }
}
