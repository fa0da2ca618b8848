namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Population variance over <paramref name="axis"/> (all axes when null): the mean of squared deviations
    /// from the mean, as TensorFlow's <c>tf.math.reduce_variance</c>. Floating dtypes only.
    /// </summary>
    public static Tensor ReduceVariance(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceVariance(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Population variance over several axes (all when null).</summary>
    public static Tensor ReduceVariance(Tensor x, int[]? axes, bool keepdims = false)
    {
        ReduceAxes.Validate("ReduceVariance", x, axes, DTypeSet.Floating);
        Tensor deviations = Subtract(x, ReduceMean(x, axes, keepdims: true));
        return ReduceMean(Multiply(deviations, deviations), axes, keepdims);
    }
}
