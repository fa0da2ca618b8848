namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// <c>log(sum(exp(x)))</c> over <paramref name="axis"/> (all axes when null), computed stably as
    /// <c>m + log(sum(exp(x - m)))</c> with <c>m</c> the (finite) maximum; the gradient is the softmax of x.
    /// An empty reduction gives -inf.
    /// </summary>
    public static Tensor ReduceLogSumExp(Tensor x, int? axis = null, bool keepdims = false)
        => ReduceLogSumExp(x, ReduceOp.AxesOf(axis), keepdims);

    /// <summary>Log-sum-exp over several axes (all when null).</summary>
    public static Tensor ReduceLogSumExp(Tensor x, int[]? axes, bool keepdims = false)
    {
        ReduceAxes.Validate("ReduceLogSumExp", x, axes, DTypeSet.Floating);

        // As TensorFlow: the shift is a constant (no gradient flows through it) and 0 where the maximum is
        // infinite or NaN, so that all -inf (or empty) gives -inf and +inf gives +inf rather than NaN.
        Tensor rawMax = ReduceMax(x, axes, keepdims: true);
        Tensor shift = StopGradient(Where(Less(Abs(rawMax), double.PositiveInfinity), rawMax, ZerosLike(rawMax)));
        Tensor result = Log(ReduceSum(Exp(Subtract(x, shift)), axes, keepdims));
        return Add(result, keepdims ? shift : result.Shape.IsFullyDefined ? Reshape(shift, result.Shape) : ShapeLike.Reshape(shift, result));
    }
}
