namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Population standard deviation over <paramref name="axis"/> (all axes when null): the square root of
    /// <see cref="ReduceVariance(Tensor, int?, bool)"/>. Floating dtypes only.
    /// </summary>
    public static Tensor ReduceStd(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceStd(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Population standard deviation over several axes (all when null).</summary>
    public static Tensor ReduceStd(Tensor x, int[]? axes, bool keepdims = false)
    {
        ReduceAxes.Validate("ReduceStd", x, axes, DTypeSet.Floating);
        return Pow(ReduceVariance(x, axes, keepdims), 0.5);
    }
}
