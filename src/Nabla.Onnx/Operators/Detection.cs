namespace Nabla.Onnx;

/// <summary>
/// NonMaxSuppression: the greedy selection ONNX specifies, on the host. How many boxes it selects depends on the boxes
/// and scores, so they must be known values (eagerly always; in a traced function when they are constants). The
/// output is integer indices, which have no gradient.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddDetection(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["NonMaxSuppression"] = One(NonMaxSuppression);
    }

    /// <summary>
    /// For each batch and class: boxes with score above score_threshold in decreasing score order (ties by index),
    /// each kept unless its IoU with one kept before exceeds iou_threshold, at most max_output_boxes_per_class (0:
    /// none). Returns (selected, 3) int64 rows of (batch, class, box).
    /// </summary>
    private static Tensor NonMaxSuppression(NodeContext n)
    {
        Tensor boxesTensor = n.Input(0), scoresTensor = n.Input(1);
        if (boxesTensor.Rank != 3 || boxesTensor.Shape[2] != 4 || scoresTensor.Rank != 3
            || scoresTensor.Shape[0] != boxesTensor.Shape[0] || scoresTensor.Shape[2] != boxesTensor.Shape[1])
        {
            throw new ArgumentException(
                $"{n.What}: expects boxes (batches, boxes, 4) and scores (batches, classes, boxes), got {boxesTensor.Shape} and {scoresTensor.Shape}.");
        }

        long limit = n.OptionalInput(2) is null ? 0 : n.StaticInts(2)[0];
        double iouThreshold = n.OptionalInput(3) is null ? 0 : n.StaticDoubles(3)[0];
        double? scoreThreshold = n.OptionalInput(4) is null ? null : n.StaticDoubles(4)[0];
        bool centers = n.Int("center_point_box", 0) != 0;
        double[] boxes = HostDoubles(n, 0), scores = HostDoubles(n, 1);
        int batches = boxesTensor.Shape[0], count = boxesTensor.Shape[1], classes = scoresTensor.Shape[1];

        var selected = new List<long>();
        var kept = new List<int>();
        for (int b = 0; b < batches; b++)
        {
            for (int c = 0; c < classes; c++)
            {
                int offset = ((b * classes) + c) * count;
                int[] order = [.. Enumerable.Range(0, count)
                    .Where(i => scoreThreshold is not { } t || scores[offset + i] > t)
                    .OrderByDescending(i => scores[offset + i])];
                kept.Clear();
                foreach (int i in order)
                {
                    if (kept.Count >= limit)
                    {
                        break;
                    }

                    if (kept.TrueForAll(k => Iou(boxes, (b * count) + k, (b * count) + i, centers) <= iouThreshold))
                    {
                        kept.Add(i);
                        selected.AddRange([b, c, i]);
                    }
                }
            }
        }

        return Tf.Constant(selected.ToArray(), new Shape(selected.Count / 3, 3));
    }

    /// <summary>The values of a known input as doubles (boxes and scores are read on the host).</summary>
    private static double[] HostDoubles(NodeContext n, int index) =>
        n.Input(index).IsSymbolic
            ? throw new NotSupportedException(
                $"{n.What}: input {index} ('{n.Node.Input[index]}') must be known when the function is traced (how many boxes are selected depends on it).")
            : n.StaticDoubles(index);

    /// <summary>Intersection over union of boxes a and b: corners (y1, x1, y2, x2) in either order, or (x, y, w, h) centers.</summary>
    private static double Iou(double[] boxes, int a, int b, bool centers)
    {
        (double top, double left, double bottom, double right) Corners(int i)
        {
            double p = boxes[4 * i], q = boxes[(4 * i) + 1], r = boxes[(4 * i) + 2], s = boxes[(4 * i) + 3];
            return centers
                ? (q - (s / 2), p - (r / 2), q + (s / 2), p + (r / 2))
                : (Math.Min(p, r), Math.Min(q, s), Math.Max(p, r), Math.Max(q, s));
        }

        var (t1, l1, b1, r1) = Corners(a);
        var (t2, l2, b2, r2) = Corners(b);
        double height = Math.Max(0, Math.Min(b1, b2) - Math.Max(t1, t2)), width = Math.Max(0, Math.Min(r1, r2) - Math.Max(l1, l2));
        double intersection = height * width;
        double union = ((b1 - t1) * (r1 - l1)) + ((b2 - t2) * (r2 - l2)) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
