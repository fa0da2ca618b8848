namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The index of the largest element along <paramref name="axis"/> (the first one on ties; a NaN counts as
    /// the largest, as in NumPy). <paramref name="outputType"/> is int64 (the default) or int32. No gradient.
    /// </summary>
    /// <exception cref="ArgumentException">When the axis is out of range or empty, or the output type is not an integer.</exception>
    public static Tensor ArgMax(Tensor x, int axis = 0, DType? outputType = null)
        => new ArgReduceOp(max: true, axis, outputType).Call(x);
}
