namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddActivations(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Relu"] = Unary(Tf.Nn.Relu);
        ops["Sigmoid"] = Unary(Tf.Sigmoid);
        ops["Tanh"] = Unary(Tf.Tanh);
        ops["Softplus"] = Unary(Tf.Nn.Softplus);
        ops["Softsign"] = Unary(Tf.Nn.Softsign);
        ops["Elu"] = One(n => Elu(n.Input(0), n.Float("alpha", 1f)));
        ops["LeakyRelu"] = One(n => Tf.Nn.LeakyRelu(n.Input(0), n.Float("alpha", 0.01f)));
        ops["Selu"] = One(n => n.Float("gamma", 1.05070102214813232421875f) * Elu(n.Input(0), n.Float("alpha", 1.67326319217681884765625f)));
        ops["Celu"] = One(Celu);
        ops["HardSigmoid"] = One(n => HardSigmoid(n.Input(0), n.Float("alpha", 0.2f), n.Float("beta", 0.5f)));
        ops["HardSwish"] = One(n => n.Input(0) * HardSigmoid(n.Input(0), 1.0 / 6, 0.5));
        ops["ThresholdedRelu"] = One(n =>
        {
            Tensor x = n.Input(0);
            return Tf.Where(Tf.Greater(x, Scalar(n.Float("alpha", 1f), x)), x, Tf.ZerosLike(x));
        });
        ops["Shrink"] = One(Shrink);
        ops["PRelu"] = One(n =>
        {
            Tensor x = n.Input(0), slope = n.Input(1);
            return Tf.Where(Tf.Less(x, Scalar(0, x)), x * slope, x);
        });
        ops["Softmax"] = One(n => SoftmaxFamily(n, x => Tf.Nn.Softmax(x, -1)));
        ops["LogSoftmax"] = One(n => SoftmaxFamily(n, x => Tf.Nn.LogSoftmax(x, -1)));
        ops["Hardmax"] = One(n => SoftmaxFamily(n, x => Tf.OneHot(Tf.ArgMax(x, -1), x.Shape[^1], dtype: x.DType)));
    }

    private static Tensor Elu(Tensor x, double alpha) => Tf.Where(Tf.Greater(x, Scalar(0, x)), x, alpha * Tf.Expm1(x));

    private static Tensor HardSigmoid(Tensor x, double alpha, double beta) =>
        Tf.ClipByValue(alpha * x + beta, Scalar(0, x), Scalar(1, x));

    private static Tensor Celu(NodeContext n)
    {
        Tensor x = n.Input(0);
        double alpha = n.Float("alpha", 1f);
        return Tf.Maximum(x, Scalar(0, x)) + Tf.Minimum(Scalar(0, x), alpha * Tf.Expm1(x / alpha));
    }

    private static Tensor Shrink(NodeContext n)
    {
        Tensor x = n.Input(0);
        double bias = n.Float("bias", 0f), lambd = n.Float("lambd", 0.5f);
        Tensor zero = Tf.ZerosLike(x);
        return Tf.Where(Tf.Less(x, Scalar(-lambd, x)), x + Scalar(bias, x),
            Tf.Where(Tf.Greater(x, Scalar(lambd, x)), x - Scalar(bias, x), zero));
    }

    /// <summary>
    /// Softmax, LogSoftmax and Hardmax along "axis" (opset 13: default -1, that axis alone); before opset 13 the
    /// input is seen as a matrix (dimensions before axis, default 1, by the ones from it) and normalized by rows.
    /// </summary>
    private static Tensor SoftmaxFamily(NodeContext n, Func<Tensor, Tensor> lastAxis)
    {
        Tensor x = n.Input(0);
        int rank = x.Rank;
        if (n.Opset >= 13)
        {
            int axis = n.Axis(n.Int32("axis", -1), rank);
            if (axis == rank - 1)
            {
                return lastAxis(x);
            }

            int[] perm = Enumerable.Range(0, rank).ToArray();
            (perm[axis], perm[rank - 1]) = (perm[rank - 1], perm[axis]);
            return Tf.Transpose(lastAxis(Tf.Transpose(x, perm)), perm);
        }

        int flatAxis = n.Axis(n.Int32("axis", 1), rank);
        int rows = 1;
        for (int i = 0; i < flatAxis; i++)
        {
            rows *= x.Shape[i];
        }

        int columns = rows == 0 ? 0 : x.Size / rows;
        return Tf.Reshape(lastAxis(Tf.Reshape(x, new Shape(rows, columns))), x.Shape);
    }
}
