namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The index of the smallest element along <paramref name="axis"/> (the first one on ties; a NaN counts as
    /// the smallest, as in NumPy). <paramref name="outputType"/> is int64 (the default) or int32. No gradient.
    /// </summary>
    /// <exception cref="ArgumentException">When the axis is out of range or empty, or the output type is not an integer.</exception>
    public static Tensor ArgMin(Tensor x, int axis = 0, DType? outputType = null)
        => new ArgReduceOp(max: false, axis, outputType).Call(x);
}
