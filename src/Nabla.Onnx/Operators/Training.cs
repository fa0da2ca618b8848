namespace Nabla.Onnx;

/// <summary>
/// The optimizer steps of ONNX's training domain (<c>ai.onnx.preview.training</c>): Adagrad, Adam and Momentum, each
/// one update of n tensors given the learning rate R, the step count T, the tensors X, their gradients G and the
/// optimizer's state, with the formulas of ONNX's operator documentation. The step count's conditions (Adam's bias
/// correction and Momentum's first step) are Where on T, so T may be computed in a traced function.
/// </summary>
internal static partial class OnnxOperators
{
    /// <summary>The training domain, as nodes name it; its operators are registered as "domain.OpType".</summary>
    public const string TrainingDomain = "ai.onnx.preview.training";

    private static void AddTraining(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops[TrainingDomain + ".Adagrad"] = Adagrad;
        ops[TrainingDomain + ".Adam"] = Adam;
        ops[TrainingDomain + ".Momentum"] = Momentum;
    }

    /// <summary>The count n of optimized tensors: the inputs after R and T are n groups of <paramref name="groups"/>.</summary>
    private static int OptimizedCount(NodeContext n, int groups) =>
        (n.InputCount - 2) % groups == 0 && n.InputCount > 2
            ? (n.InputCount - 2) / groups
            : throw new ArgumentException($"{n.What}: expected R, T and {groups} inputs per optimized tensor, got {n.InputCount} inputs.");

    /// <summary>The gradient with the L2 term: norm_coefficient · X + G.</summary>
    private static Tensor Regularized(NodeContext n, Tensor x, Tensor g)
    {
        double norm = n.Float("norm_coefficient", 0);
        return norm == 0 ? g : (Scalar(norm, x) * x) + g;
    }

    private static Tensor[] Adagrad(NodeContext n)
    {
        int count = OptimizedCount(n, 3);
        var outputs = new Tensor[2 * count];
        for (int i = 0; i < count; i++)
        {
            Tensor x = n.Input(2 + i), g = n.Input(2 + count + i), h = n.Input(2 + (2 * count) + i);
            Tensor rate = Tf.Cast(n.Input(0), x.DType) / (Scalar(1, x) + (Tf.Cast(n.Input(1), x.DType) * Scalar(n.Float("decay_factor", 0), x)));
            Tensor gradient = Regularized(n, x, g);
            Tensor hNew = h + (gradient * gradient);
            outputs[i] = x - (rate * gradient / (Tf.Sqrt(hNew) + Scalar(n.Float("epsilon", 0), x)));
            outputs[count + i] = hNew;
        }

        return outputs;
    }

    private static Tensor[] Adam(NodeContext n)
    {
        int count = OptimizedCount(n, 4);
        double alpha = n.Float("alpha", 0.9f), beta = n.Float("beta", 0.999f);
        double postNorm = n.Float("norm_coefficient_post", 0);
        var outputs = new Tensor[3 * count];
        for (int i = 0; i < count; i++)
        {
            Tensor x = n.Input(2 + i), g = n.Input(2 + count + i), v = n.Input(2 + (2 * count) + i), h = n.Input(2 + (3 * count) + i);
            Tensor rate = Tf.Cast(n.Input(0), x.DType), step = Tf.Cast(n.Input(1), x.DType);
            Tensor gradient = Regularized(n, x, g);
            Tensor vNew = (Scalar(alpha, x) * v) + (Scalar(1 - alpha, x) * gradient);
            Tensor hNew = (Scalar(beta, x) * h) + (Scalar(1 - beta, x) * gradient * gradient);
            // Bias correction from the first step on: R · sqrt(1 − betaᵀ) / (1 − alphaᵀ); at T = 0, R.
            Tensor corrected = rate * Tf.Sqrt(Scalar(1, x) - Tf.Pow(Scalar(beta, x), step)) / (Scalar(1, x) - Tf.Pow(Scalar(alpha, x), step));
            Tensor adjusted = Tf.Where(Tf.Greater(step, Scalar(0, x)), corrected, rate);
            Tensor xNew = x - (adjusted * vNew / (Tf.Sqrt(hNew) + Scalar(n.Float("epsilon", 0), x)));
            outputs[i] = postNorm == 0 ? xNew : Scalar(1 - postNorm, x) * xNew;
            outputs[count + i] = vNew;
            outputs[(2 * count) + i] = hNew;
        }

        return outputs;
    }

    private static Tensor[] Momentum(NodeContext n)
    {
        int count = OptimizedCount(n, 3);
        double alpha = n.Float("alpha", 0), beta = n.Float("beta", 0);
        string mode = n.String("mode", "standard");
        if (mode is not ("standard" or "nesterov"))
        {
            throw n.Unsupported($"mode '{mode}'");
        }

        var outputs = new Tensor[2 * count];
        for (int i = 0; i < count; i++)
        {
            Tensor x = n.Input(2 + i), g = n.Input(2 + count + i), v = n.Input(2 + (2 * count) + i);
            Tensor rate = Tf.Cast(n.Input(0), x.DType), step = Tf.Cast(n.Input(1), x.DType);
            Tensor gradient = Regularized(n, x, g);
            // The first step (T = 0) takes the whole gradient: beta is 1 there.
            Tensor betaAdjusted = Tf.Where(Tf.Greater(step, Scalar(0, x)), Scalar(beta, x), Scalar(1, x));
            Tensor vNew = (Scalar(alpha, x) * v) + (betaAdjusted * gradient);
            outputs[i] = mode == "standard" ? x - (rate * vNew) : x - (rate * (gradient + (Scalar(alpha, x) * vNew)));
            outputs[count + i] = vNew;
        }

        return outputs;
    }
}
