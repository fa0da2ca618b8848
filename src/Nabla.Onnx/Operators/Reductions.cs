namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddReductions(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["ReduceSum"] = Reduce((x, a, k) => Tf.ReduceSum(x, a, k), axesInputFrom: 13);
        ops["ReduceMean"] = Reduce((x, a, k) => Tf.ReduceMean(x, a, k));
        ops["ReduceMax"] = Reduce((x, a, k) => Tf.ReduceMax(x, a, k));
        ops["ReduceMin"] = Reduce((x, a, k) => Tf.ReduceMin(x, a, k));
        ops["ReduceProd"] = Reduce((x, a, k) => Tf.ReduceProd(x, a, k));
        ops["ReduceL1"] = Reduce((x, a, k) => Tf.ReduceSum(Tf.Abs(x), a, k));
        ops["ReduceL2"] = Reduce((x, a, k) => Tf.Sqrt(Tf.ReduceSum(Tf.Square(x), a, k)));
        ops["ReduceSumSquare"] = Reduce((x, a, k) => Tf.ReduceSum(Tf.Square(x), a, k));
        ops["ReduceLogSum"] = Reduce((x, a, k) => Tf.Log(Tf.ReduceSum(x, a, k)));
        ops["ReduceLogSumExp"] = Reduce((x, a, k) => Tf.ReduceLogSumExp(x, a, k));
        ops["ArgMax"] = One(n => ArgReduce(n, (x, axis) => Tf.ArgMax(x, axis, DType.Int64)));
        ops["ArgMin"] = One(n => ArgReduce(n, (x, axis) => Tf.ArgMin(x, axis, DType.Int64)));
        ops["CumSum"] = One(n =>
        {
            Tensor x = n.Input(0);
            int axis = n.Axis(n.StaticInts(1)[0], x.Rank);
            return Tf.CumSum(x, axis, exclusive: n.Int("exclusive", 0) != 0, reverse: n.Int("reverse", 0) != 0);
        });
        ops["TopK"] = TopK;
    }

    /// <summary>
    /// A reduction over "axes" (an attribute, or from opset 18, 13 for ReduceSum, the second input), all axes
    /// when there are none (or none at all with noop_with_empty_axes), keeping reduced axes unless keepdims=0.
    /// </summary>
    private static Func<NodeContext, Tensor[]> Reduce(Func<Tensor, int[]?, bool, Tensor> reduce, int axesInputFrom = 18) => n =>
    {
        Tensor x = n.Input(0);
        int[]? axes = n.Opset >= axesInputFrom ? n.OptionalStaticInts(1) : n.Ints("axes");
        bool keepDims = n.Int("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0)
            {
                return [Tf.Identity(x)];
            }

            axes = null;
        }
        else
        {
            axes = Array.ConvertAll(axes, a => n.Axis(a, x.Rank));
        }

        return [reduce(x, axes, keepDims)];
    };

    private static Tensor ArgReduce(NodeContext n, Func<Tensor, int, Tensor> arg)
    {
        Tensor x = n.Input(0);
        int axis = n.Axis(n.Int32("axis", 0), x.Rank);
        Tensor result;
        if (n.Int("select_last_index", 0) != 0)
        {
            // The last of equal extremes is the first in the reversed axis.
            Tensor reversed = arg(Tf.Reverse(x, [axis]), axis);
            result = Scalar(x.Shape[axis] - 1, reversed) - reversed;
        }
        else
        {
            result = arg(x, axis);
        }

        return n.Int("keepdims", 1) != 0 ? Tf.ExpandDims(result, axis) : result;
    }

    private static Tensor[] TopK(NodeContext n)
    {
        Tensor x = n.Input(0);
        int k = n.Opset >= 10 ? n.StaticInts(1)[0] : n.Int32("k", 1);
        int axis = n.Axis(n.Int32("axis", -1), x.Rank);
        bool largest = n.Int("largest", 1) != 0;
        int[] perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[axis], perm[^1]) = (perm[^1], perm[axis]);
        Tensor moved = axis == x.Rank - 1 ? x : Tf.Transpose(x, perm);
        (Tensor values, Tensor indices) = Tf.Nn.TopK(largest ? moved : -moved, k, sorted: true);
        values = largest ? values : -values;
        indices = Tf.Cast(indices, DType.Int64);
        return axis == x.Rank - 1 ? [values, indices] : [Tf.Transpose(values, perm), Tf.Transpose(indices, perm)];
    }
}
