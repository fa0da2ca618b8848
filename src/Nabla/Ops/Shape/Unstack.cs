namespace Nabla;

public static partial class Tf
{
    /// <summary>Splits <paramref name="x"/> into its slices along <paramref name="axis"/>, that axis removed: Split then Squeeze.</summary>
    /// <exception cref="ArgumentException">When the axis is out of range.</exception>
    public static Tensor[] Unstack(Tensor x, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = Axes.Normalize("Unpack", axis, x.Rank, x.Shape);
        int n = x.Shape.Dims[a];
        if (n == 0)
        {
            return [];
        }

        Tensor[] parts = Split(x, n, a);
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Squeeze(parts[i], [a]);
        }

        return parts;
    }
}
