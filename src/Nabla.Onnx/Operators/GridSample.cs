namespace Nabla.Onnx;

/// <summary>
/// GridSample: X (N, C, H, W) sampled at the grid's normalized (x, y) points (N, H_out, W_out, 2), bilinear, nearest
/// or bicubic, with zeros, border or reflection padding, as ONNX (after PyTorch's grid_sample) defines it. Written
/// with Nabla's ops: the source coordinates and tap weights are tensors computed from the grid, each tap a Gather
/// of X's pixels (batch by batch) times its weight, so the result is differentiable in X and in the grid.
/// </summary>
internal static partial class OnnxOperators
{
    private const double CubicA = -0.75;

    private static void AddGridSample(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["GridSample"] = One(GridSample);
    }

    private static Tensor GridSample(NodeContext n)
    {
        Tensor x = n.Input(0), grid = n.Input(1);
        if (x.Rank != 4 || grid.Rank != 4 || grid.Shape[3] != 2 || grid.Shape[0] != x.Shape[0])
        {
            throw new ArgumentException($"{n.What}: expects X (N, C, H, W) and a grid (N, H_out, W_out, 2), got {x.Shape} and {grid.Shape}.");
        }

        string mode = n.String("mode", "bilinear"), padding = n.String("padding_mode", "zeros");
        bool alignCorners = n.Int("align_corners", 0) != 0;
        if (mode is not ("bilinear" or "nearest" or "bicubic") || padding is not ("zeros" or "border" or "reflection"))
        {
            throw n.Unsupported($"mode '{mode}' with padding_mode '{padding}'");
        }

        int batch = x.Shape[0], channels = x.Shape[1], height = x.Shape[2], width = x.Shape[3];
        int outHeight = grid.Shape[1], outWidth = grid.Shape[2];
        var sampler = new GridSampler(Tf.Reshape(Tf.Transpose(x, [0, 2, 3, 1]), [batch, height * width, channels]), height, width, padding, alignCorners);
        Tensor[] xy = Tf.Unstack(Tf.Reshape(Tf.Cast(grid, x.DType), [batch, outHeight * outWidth, 2]), 2);
        Tensor ix = sampler.Unnormalize(xy[0], width), iy = sampler.Unnormalize(xy[1], height);
        Tensor sampled;
        if (mode == "bicubic")
        {
            // Taps at floor − 1 ... floor + 2, padding applied to each tap's index.
            Tensor fx = Tf.Floor(ix), fy = Tf.Floor(iy);
            Tensor[] wx = CubicWeights(ix - fx), wy = CubicWeights(iy - fy);
            sampled = null!;
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    Tensor tapY = sampler.PadIndex(fy + Scalar(i - 1, fy), height), tapX = sampler.PadIndex(fx + Scalar(j - 1, fx), width);
                    Tensor tap = sampler.Tap(tapY, tapX, wy[i] * wx[j]);
                    sampled = i + j == 0 ? tap : sampled + tap;
                }
            }
        }
        else
        {
            ix = sampler.PadCoordinate(ix, width);
            iy = sampler.PadCoordinate(iy, height);
            if (mode == "nearest")
            {
                sampled = sampler.Tap(Tf.Round(iy), Tf.Round(ix), Tf.OnesLike(ix));
            }
            else
            {
                Tensor x0 = Tf.Floor(ix), y0 = Tf.Floor(iy), one = Scalar(1, ix);
                Tensor dx = ix - x0, dy = iy - y0;
                sampled = sampler.Tap(y0, x0, (one - dy) * (one - dx)) + sampler.Tap(y0, x0 + one, (one - dy) * dx)
                    + sampler.Tap(y0 + one, x0, dy * (one - dx)) + sampler.Tap(y0 + one, x0 + one, dy * dx);
            }
        }

        return Tf.Transpose(Tf.Reshape(sampled, [batch, outHeight, outWidth, channels]), [0, 3, 1, 2]);
    }

    /// <summary>The cubic convolution weights (A = −0.75) of the taps at t + 1, t, 1 − t and 2 − t from the point.</summary>
    private static Tensor[] CubicWeights(Tensor t)
    {
        Tensor one = Scalar(1, t), a = Scalar(CubicA, t);
        Tensor Near(Tensor d) => ((((a + Scalar(2, d)) * d) - (a + Scalar(3, d))) * d * d) + one;   // |d| ≤ 1
        Tensor Far(Tensor d) => ((((a * d) - (Scalar(5, d) * a)) * d) + (Scalar(8, d) * a)) * d - (Scalar(4, d) * a);   // 1 < |d| < 2
        return [Far(t + one), Near(t), Near(one - t), Far(Scalar(2, t) - t)];
    }

    /// <summary>Pixels of one batch of images (N, H·W, C) read at coordinates, with GridSample's padding rules.</summary>
    private sealed class GridSampler(Tensor pixels, int height, int width, string padding, bool alignCorners)
    {
        /// <summary>A normalized coordinate in [−1, 1] as a pixel coordinate.</summary>
        public Tensor Unnormalize(Tensor g, int size) => alignCorners
            ? (g + Scalar(1, g)) * Scalar((size - 1) / 2.0, g)
            : (((g + Scalar(1, g)) * Scalar(size, g)) - Scalar(1, g)) / Scalar(2, g);

        /// <summary>Border: clipped into the image; reflection: reflected at its edges, then clipped; zeros: as it is.</summary>
        public Tensor PadCoordinate(Tensor c, int size) => padding switch
        {
            "border" => Clip(c, size),
            "reflection" => Clip(alignCorners ? Reflect(c, 0, size - 1) : Reflect(c, -0.5, size - 0.5), size),
            _ => c,
        };

        /// <summary>A bicubic tap's integer index under the padding (PyTorch's rule: the index is padded, not the point).</summary>
        public Tensor PadIndex(Tensor index, int size) => PadCoordinate(index, size);

        private static Tensor Clip(Tensor c, int size) => Tf.Minimum(Tf.Maximum(c, Scalar(0, c)), Scalar(size - 1, c));

        /// <summary>A triangle wave between low and high: the coordinate reflected at the edges as often as needed.</summary>
        private static Tensor Reflect(Tensor c, double low, double high)
        {
            double span = high - low;
            if (span <= 0)
            {
                return Tf.ZerosLike(c) + Scalar(low, c);
            }

            Tensor m = Tf.FloorMod(c - Scalar(low, c), Scalar(2 * span, c));
            return Scalar(low + span, c) - Tf.Abs(m - Scalar(span, c));
        }

        /// <summary>weight · pixel(y, x) for integral coordinates (N, P); 0 outside the image.</summary>
        public Tensor Tap(Tensor y, Tensor x, Tensor weight)
        {
            Tensor inside = Tf.LogicalAnd(
                Tf.LogicalAnd(Tf.GreaterEqual(x, Scalar(0, x)), Tf.LessEqual(x, Scalar(width - 1, x))),
                Tf.LogicalAnd(Tf.GreaterEqual(y, Scalar(0, y)), Tf.LessEqual(y, Scalar(height - 1, y))));
            Tensor index = Tf.Cast((Clip(y, height) * Scalar(width, y)) + Clip(x, width), DType.Int64);
            Tensor values = Tf.Gather(pixels, index, axis: 1, batchDims: 1);   // (N, P, C)
            Tensor masked = weight * Tf.Cast(inside, weight.DType);
            return values * Tf.ExpandDims(masked, -1);
        }
    }
}
