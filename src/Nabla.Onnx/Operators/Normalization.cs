namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddNormalization(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["BatchNormalization"] = BatchNormalization;
        ops["InstanceNormalization"] = One(n =>
        {
            Tensor x = n.Input(0);
            (Tensor mean, Tensor variance) = Tf.Nn.Moments(x, SpatialAxes(x), keepdims: true);
            return Normalize(x, mean, variance, n.Float("epsilon", 1e-5f), ChannelVector(n.Input(1), x.Rank), ChannelVector(n.Input(2), x.Rank));
        });
        ops["LayerNormalization"] = LayerNormalization;
        ops["LRN"] = One(Lrn);
        ops["MeanVarianceNormalization"] = One(n =>
        {
            Tensor x = n.Input(0);
            int[] axes = n.Ints("axes") ?? [0, 2, 3];
            (Tensor mean, Tensor variance) = Tf.Nn.Moments(x, [.. axes.Select(a => n.Axis(a, x.Rank))], keepdims: true);
            return (x - mean) / (Tf.Sqrt(variance) + Scalar(1e-9, x));
        });
    }

    /// <summary>A per-channel vector (C) shaped (1, C, 1, ...) to broadcast over an NC... tensor.</summary>
    private static Tensor ChannelVector(Tensor v, int rank)
    {
        int[] shape = Enumerable.Repeat(1, rank).ToArray();
        shape[1] = -1;
        return Tf.Reshape(v, shape);
    }

    private static Tensor Normalize(Tensor x, Tensor mean, Tensor variance, double epsilon, Tensor scale, Tensor bias) =>
        ((x - mean) * Tf.Rsqrt(variance + Scalar(epsilon, variance)) * scale) + bias;

    /// <summary>
    /// Inference uses the running mean and variance; training_mode=1 (opset 14) normalizes with the batch's and also
    /// returns the updated running statistics (momentum · running + (1 - momentum) · batch).
    /// </summary>
    private static Tensor[] BatchNormalization(NodeContext n)
    {
        Tensor x = n.Input(0);
        int rank = x.Rank;
        Tensor scale = ChannelVector(n.Input(1), rank), bias = ChannelVector(n.Input(2), rank);
        double epsilon = n.Float("epsilon", 1e-5f);
        bool training = n.Int("training_mode", 0) != 0;
        if (!training)
        {
            return [Normalize(x, ChannelVector(n.Input(3), rank), ChannelVector(n.Input(4), rank), epsilon, scale, bias)];
        }

        int[] axes = [0, .. SpatialAxes(x)];
        (Tensor mean, Tensor variance) = Tf.Nn.Moments(x, axes, keepdims: false);
        double momentum = n.Float("momentum", 0.9f);
        Tensor y = Normalize(x, ChannelVector(mean, rank), ChannelVector(variance, rank), epsilon, scale, bias);
        Tensor runningMean = (momentum * n.Input(3)) + ((1 - momentum) * mean);
        Tensor runningVariance = (momentum * n.Input(4)) + ((1 - momentum) * variance);
        return [y, runningMean, runningVariance];
    }

    /// <summary>Normalizes over the axes from "axis" on; also returns the mean and 1/σ (kept dims), as ONNX does.</summary>
    private static Tensor[] LayerNormalization(NodeContext n)
    {
        Tensor x = n.Input(0);
        int axis = n.Axis(n.Int32("axis", -1), x.Rank);
        (Tensor mean, Tensor variance) = Tf.Nn.Moments(x, [.. Enumerable.Range(axis, x.Rank - axis)], keepdims: true);
        Tensor inverseStd = Tf.Rsqrt(variance + Scalar(n.Float("epsilon", 1e-5f), variance));
        Tensor y = (x - mean) * inverseStd * n.Input(1);
        if (n.OptionalInput(2) is { } bias)
        {
            y += bias;
        }

        return [y, mean, inverseStd];
    }

    /// <summary>Local response normalization across channels: x / (bias + alpha/size · Σ x² over the window)^beta.</summary>
    private static Tensor Lrn(NodeContext n)
    {
        Tensor x = n.Input(0);
        int size = n.Int32("size", 1);
        double alpha = n.Float("alpha", 1e-4f), beta = n.Float("beta", 0.75f), bias = n.Float("bias", 1f);
        int before = (size - 1) / 2, after = size - 1 - before;
        int channels = x.Shape[1];
        Tensor squares = PadAxis(Tf.Square(x), 1, before, after, "CONSTANT", 0);
        Tensor sum = SliceAxis(squares, 1, 0, channels);
        for (int i = 1; i < size; i++)
        {
            sum += SliceAxis(squares, 1, i, channels);
        }

        return x / Tf.Pow(Scalar(bias, x) + (alpha / size * sum), Scalar(beta, x));
    }
}
