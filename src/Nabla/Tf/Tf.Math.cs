namespace Nabla;

public static partial class Tf
{
    // TensorFlow's tf.math aliases: each forwards to the op of the same name on Tf (Softplus: on Tf.Nn).
    // Inside this class Math.X means Tf.Math.X, so the targets are always written Tf.X.
    public static partial class Math
    {
        /// <inheritdoc cref="Tf.Abs(Tensor)"/>
        public static Tensor Abs(Tensor x) => Tf.Abs(x);

        /// <inheritdoc cref="Tf.Acos(Tensor)"/>
        public static Tensor Acos(Tensor x) => Tf.Acos(x);

        /// <inheritdoc cref="Tf.Acosh(Tensor)"/>
        public static Tensor Acosh(Tensor x) => Tf.Acosh(x);

        /// <inheritdoc cref="Tf.Add(Tensor, Tensor)"/>
        public static Tensor Add(Tensor x, Tensor y) => Tf.Add(x, y);

        /// <inheritdoc cref="Tf.ArgMax(Tensor, int, DType?)"/>
        public static Tensor ArgMax(Tensor x, int axis = 0, DType? outputType = null) => Tf.ArgMax(x, axis, outputType);

        /// <inheritdoc cref="Tf.ArgMin(Tensor, int, DType?)"/>
        public static Tensor ArgMin(Tensor x, int axis = 0, DType? outputType = null) => Tf.ArgMin(x, axis, outputType);

        /// <inheritdoc cref="Tf.Asin(Tensor)"/>
        public static Tensor Asin(Tensor x) => Tf.Asin(x);

        /// <inheritdoc cref="Tf.Asinh(Tensor)"/>
        public static Tensor Asinh(Tensor x) => Tf.Asinh(x);

        /// <inheritdoc cref="Tf.Atan(Tensor)"/>
        public static Tensor Atan(Tensor x) => Tf.Atan(x);

        /// <inheritdoc cref="Tf.Atan2(Tensor, Tensor)"/>
        public static Tensor Atan2(Tensor y, Tensor x) => Tf.Atan2(y, x);

        /// <inheritdoc cref="Tf.Atanh(Tensor)"/>
        public static Tensor Atanh(Tensor x) => Tf.Atanh(x);

        /// <inheritdoc cref="Tf.Ceil(Tensor)"/>
        public static Tensor Ceil(Tensor x) => Tf.Ceil(x);

        /// <inheritdoc cref="Tf.Cos(Tensor)"/>
        public static Tensor Cos(Tensor x) => Tf.Cos(x);

        /// <inheritdoc cref="Tf.Cosh(Tensor)"/>
        public static Tensor Cosh(Tensor x) => Tf.Cosh(x);

        /// <inheritdoc cref="Tf.CumProd(Tensor, int, bool, bool)"/>
        public static Tensor CumProd(Tensor x, int axis = 0, bool exclusive = false, bool reverse = false) => Tf.CumProd(x, axis, exclusive, reverse);

        /// <inheritdoc cref="Tf.CumSum(Tensor, int, bool, bool)"/>
        public static Tensor CumSum(Tensor x, int axis = 0, bool exclusive = false, bool reverse = false) => Tf.CumSum(x, axis, exclusive, reverse);

        /// <inheritdoc cref="Tf.Divide(Tensor, Tensor)"/>
        public static Tensor Divide(Tensor x, Tensor y) => Tf.Divide(x, y);

        /// <inheritdoc cref="Tf.Equal(Tensor, Tensor)"/>
        public static Tensor Equal(Tensor x, Tensor y) => Tf.Equal(x, y);

        /// <inheritdoc cref="Tf.Erf(Tensor)"/>
        public static Tensor Erf(Tensor x) => Tf.Erf(x);

        /// <inheritdoc cref="Tf.Exp(Tensor)"/>
        public static Tensor Exp(Tensor x) => Tf.Exp(x);

        /// <inheritdoc cref="Tf.Expm1(Tensor)"/>
        public static Tensor Expm1(Tensor x) => Tf.Expm1(x);

        /// <inheritdoc cref="Tf.Floor(Tensor)"/>
        public static Tensor Floor(Tensor x) => Tf.Floor(x);

        /// <inheritdoc cref="Tf.FloorDiv(Tensor, Tensor)"/>
        public static Tensor FloorDiv(Tensor x, Tensor y) => Tf.FloorDiv(x, y);

        /// <inheritdoc cref="Tf.FloorMod(Tensor, Tensor)"/>
        public static Tensor FloorMod(Tensor x, Tensor y) => Tf.FloorMod(x, y);

        /// <inheritdoc cref="Tf.Greater(Tensor, Tensor)"/>
        public static Tensor Greater(Tensor x, Tensor y) => Tf.Greater(x, y);

        /// <inheritdoc cref="Tf.GreaterEqual(Tensor, Tensor)"/>
        public static Tensor GreaterEqual(Tensor x, Tensor y) => Tf.GreaterEqual(x, y);

        /// <inheritdoc cref="Tf.IsFinite(Tensor)"/>
        public static Tensor IsFinite(Tensor x) => Tf.IsFinite(x);

        /// <inheritdoc cref="Tf.IsNan(Tensor)"/>
        public static Tensor IsNan(Tensor x) => Tf.IsNan(x);

        /// <inheritdoc cref="Tf.Less(Tensor, Tensor)"/>
        public static Tensor Less(Tensor x, Tensor y) => Tf.Less(x, y);

        /// <inheritdoc cref="Tf.LessEqual(Tensor, Tensor)"/>
        public static Tensor LessEqual(Tensor x, Tensor y) => Tf.LessEqual(x, y);

        /// <inheritdoc cref="Tf.Log(Tensor)"/>
        public static Tensor Log(Tensor x) => Tf.Log(x);

        /// <inheritdoc cref="Tf.Log1p(Tensor)"/>
        public static Tensor Log1p(Tensor x) => Tf.Log1p(x);

        /// <inheritdoc cref="Tf.LogicalAnd(Tensor, Tensor)"/>
        public static Tensor LogicalAnd(Tensor x, Tensor y) => Tf.LogicalAnd(x, y);

        /// <inheritdoc cref="Tf.LogicalNot(Tensor)"/>
        public static Tensor LogicalNot(Tensor x) => Tf.LogicalNot(x);

        /// <inheritdoc cref="Tf.LogicalOr(Tensor, Tensor)"/>
        public static Tensor LogicalOr(Tensor x, Tensor y) => Tf.LogicalOr(x, y);

        /// <inheritdoc cref="Tf.Maximum(Tensor, Tensor)"/>
        public static Tensor Maximum(Tensor x, Tensor y) => Tf.Maximum(x, y);

        /// <inheritdoc cref="Tf.Minimum(Tensor, Tensor)"/>
        public static Tensor Minimum(Tensor x, Tensor y) => Tf.Minimum(x, y);

        /// <inheritdoc cref="Tf.Multiply(Tensor, Tensor)"/>
        public static Tensor Multiply(Tensor x, Tensor y) => Tf.Multiply(x, y);

        /// <inheritdoc cref="Tf.Negative(Tensor)"/>
        public static Tensor Negative(Tensor x) => Tf.Negative(x);

        /// <inheritdoc cref="Tf.NotEqual(Tensor, Tensor)"/>
        public static Tensor NotEqual(Tensor x, Tensor y) => Tf.NotEqual(x, y);

        /// <inheritdoc cref="Tf.Pow(Tensor, Tensor)"/>
        public static Tensor Pow(Tensor x, Tensor y) => Tf.Pow(x, y);

        /// <inheritdoc cref="Tf.Reciprocal(Tensor)"/>
        public static Tensor Reciprocal(Tensor x) => Tf.Reciprocal(x);

        /// <inheritdoc cref="Tf.ReduceAll(Tensor, int?, bool)"/>
        public static Tensor ReduceAll(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceAll(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceAll(Tensor, int[], bool)"/>
        public static Tensor ReduceAll(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceAll(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceAny(Tensor, int?, bool)"/>
        public static Tensor ReduceAny(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceAny(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceAny(Tensor, int[], bool)"/>
        public static Tensor ReduceAny(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceAny(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceLogSumExp(Tensor, int?, bool)"/>
        public static Tensor ReduceLogSumExp(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceLogSumExp(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceLogSumExp(Tensor, int[], bool)"/>
        public static Tensor ReduceLogSumExp(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceLogSumExp(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceMax(Tensor, int?, bool)"/>
        public static Tensor ReduceMax(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceMax(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceMax(Tensor, int[], bool)"/>
        public static Tensor ReduceMax(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceMax(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceMean(Tensor, int?, bool)"/>
        public static Tensor ReduceMean(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceMean(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceMean(Tensor, int[], bool)"/>
        public static Tensor ReduceMean(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceMean(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceMin(Tensor, int?, bool)"/>
        public static Tensor ReduceMin(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceMin(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceMin(Tensor, int[], bool)"/>
        public static Tensor ReduceMin(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceMin(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceProd(Tensor, int?, bool)"/>
        public static Tensor ReduceProd(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceProd(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceProd(Tensor, int[], bool)"/>
        public static Tensor ReduceProd(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceProd(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceStd(Tensor, int?, bool)"/>
        public static Tensor ReduceStd(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceStd(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceStd(Tensor, int[], bool)"/>
        public static Tensor ReduceStd(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceStd(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceSum(Tensor, int?, bool)"/>
        public static Tensor ReduceSum(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceSum(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceSum(Tensor, int[], bool)"/>
        public static Tensor ReduceSum(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceSum(x, axes, keepdims);

        /// <inheritdoc cref="Tf.ReduceVariance(Tensor, int?, bool)"/>
        public static Tensor ReduceVariance(Tensor x, int? axis = null, bool keepdims = false) => Tf.ReduceVariance(x, axis, keepdims);

        /// <inheritdoc cref="Tf.ReduceVariance(Tensor, int[], bool)"/>
        public static Tensor ReduceVariance(Tensor x, int[]? axes, bool keepdims = false) => Tf.ReduceVariance(x, axes, keepdims);

        /// <inheritdoc cref="Tf.Round(Tensor)"/>
        public static Tensor Round(Tensor x) => Tf.Round(x);

        /// <inheritdoc cref="Tf.Rsqrt(Tensor)"/>
        public static Tensor Rsqrt(Tensor x) => Tf.Rsqrt(x);

        /// <inheritdoc cref="Tf.SegmentMax(Tensor, Tensor)"/>
        public static Tensor SegmentMax(Tensor data, Tensor segmentIds) => Tf.SegmentMax(data, segmentIds);

        /// <inheritdoc cref="Tf.SegmentMean(Tensor, Tensor)"/>
        public static Tensor SegmentMean(Tensor data, Tensor segmentIds) => Tf.SegmentMean(data, segmentIds);

        /// <inheritdoc cref="Tf.SegmentMin(Tensor, Tensor)"/>
        public static Tensor SegmentMin(Tensor data, Tensor segmentIds) => Tf.SegmentMin(data, segmentIds);

        /// <inheritdoc cref="Tf.SegmentSum(Tensor, Tensor)"/>
        public static Tensor SegmentSum(Tensor data, Tensor segmentIds) => Tf.SegmentSum(data, segmentIds);

        /// <inheritdoc cref="Tf.Sigmoid(Tensor)"/>
        public static Tensor Sigmoid(Tensor x) => Tf.Sigmoid(x);

        /// <inheritdoc cref="Tf.Sign(Tensor)"/>
        public static Tensor Sign(Tensor x) => Tf.Sign(x);

        /// <inheritdoc cref="Tf.Sin(Tensor)"/>
        public static Tensor Sin(Tensor x) => Tf.Sin(x);

        /// <inheritdoc cref="Tf.Sinh(Tensor)"/>
        public static Tensor Sinh(Tensor x) => Tf.Sinh(x);

        /// <inheritdoc cref="Tf.Nn.Softplus(Tensor)"/>
        public static Tensor Softplus(Tensor x) => Tf.Nn.Softplus(x);

        /// <inheritdoc cref="Tf.Sqrt(Tensor)"/>
        public static Tensor Sqrt(Tensor x) => Tf.Sqrt(x);

        /// <inheritdoc cref="Tf.Square(Tensor)"/>
        public static Tensor Square(Tensor x) => Tf.Square(x);

        /// <inheritdoc cref="Tf.SquaredDifference(Tensor, Tensor)"/>
        public static Tensor SquaredDifference(Tensor x, Tensor y) => Tf.SquaredDifference(x, y);

        /// <inheritdoc cref="Tf.Subtract(Tensor, Tensor)"/>
        public static Tensor Subtract(Tensor x, Tensor y) => Tf.Subtract(x, y);

        /// <inheritdoc cref="Tf.Tan(Tensor)"/>
        public static Tensor Tan(Tensor x) => Tf.Tan(x);

        /// <inheritdoc cref="Tf.Tanh(Tensor)"/>
        public static Tensor Tanh(Tensor x) => Tf.Tanh(x);

        /// <inheritdoc cref="Tf.Nn.TopK(Tensor, int, bool)"/>
        public static (Tensor Values, Tensor Indices) TopK(Tensor input, int k = 1, bool sorted = true) => Tf.Nn.TopK(input, k, sorted);

        /// <inheritdoc cref="Tf.UnsortedSegmentMax(Tensor, Tensor, int)"/>
        public static Tensor UnsortedSegmentMax(Tensor data, Tensor segmentIds, int numSegments) => Tf.UnsortedSegmentMax(data, segmentIds, numSegments);

        /// <inheritdoc cref="Tf.UnsortedSegmentMean(Tensor, Tensor, int)"/>
        public static Tensor UnsortedSegmentMean(Tensor data, Tensor segmentIds, int numSegments) => Tf.UnsortedSegmentMean(data, segmentIds, numSegments);

        /// <inheritdoc cref="Tf.UnsortedSegmentMin(Tensor, Tensor, int)"/>
        public static Tensor UnsortedSegmentMin(Tensor data, Tensor segmentIds, int numSegments) => Tf.UnsortedSegmentMin(data, segmentIds, numSegments);

        /// <inheritdoc cref="Tf.UnsortedSegmentSum(Tensor, Tensor, int)"/>
        public static Tensor UnsortedSegmentSum(Tensor data, Tensor segmentIds, int numSegments) => Tf.UnsortedSegmentSum(data, segmentIds, numSegments);
    }
}
