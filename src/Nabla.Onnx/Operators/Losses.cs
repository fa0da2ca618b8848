namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddLosses(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["NegativeLogLikelihoodLoss"] = One(n => NegativeLogLikelihood(n, n.Input(0)));
        ops["SoftmaxCrossEntropyLoss"] = n =>
        {
            Tensor logProbabilities = LogSoftmaxAlongAxis1(n.Input(0));
            Tensor loss = NegativeLogLikelihood(n, logProbabilities);
            return n.WantsOutput(1) ? [loss, logProbabilities] : [loss];
        };
    }

    private static Tensor LogSoftmaxAlongAxis1(Tensor x)
    {
        if (x.Rank == 2)
        {
            return Tf.Nn.LogSoftmax(x, -1);
        }

        int[] perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[1], perm[^1]) = (perm[^1], perm[1]);
        return Tf.Transpose(Tf.Nn.LogSoftmax(Tf.Transpose(x, perm), -1), perm);
    }

    /// <summary>
    /// −input[n, target[n, d...], d...] · weight[target], with targets equal to ignore_index contributing nothing;
    /// "mean" divides the sum by the sum of the weights of the targets kept (their count without weights).
    /// </summary>
    private static Tensor NegativeLogLikelihood(NodeContext n, Tensor input)
    {
        Tensor target = Tf.Cast(n.Input(1), DType.Int64);
        int classes = input.Shape[1];
        Tensor kept = n.HasAttribute("ignore_index")
            ? Tf.NotEqual(target, Scalar(n.Int("ignore_index", 0), target))
            : Tf.OnesLike(target, DType.Bool);
        Tensor safeTarget = Tf.Where(kept, target, Tf.ZerosLike(target));
        Tensor picked = Tf.ReduceSum(input * Tf.OneHot(safeTarget, classes, axis: 1, dtype: input.DType), 1);
        Tensor weights = n.OptionalInput(2) is { } w ? Tf.Gather(w, safeTarget) : Tf.OnesLike(picked);
        weights *= Tf.Cast(kept, input.DType);
        Tensor loss = -picked * weights;
        return n.String("reduction", "mean") switch
        {
            "none" => loss,
            "sum" => Tf.ReduceSum(loss),
            "mean" => Tf.ReduceSum(loss) / Tf.ReduceSum(weights),
            string other => throw n.Unsupported($"reduction '{other}'"),
        };
    }
}
