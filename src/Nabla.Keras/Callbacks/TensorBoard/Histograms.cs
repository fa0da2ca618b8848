using Nabla.Keras.Callbacks.TensorBoardEvents;

namespace Nabla.Keras.Callbacks;

/// <summary>TensorBoard histograms of weights, bucketed as TensorFlow 2's <c>tf.summary.histogram</c> does.</summary>
internal static class Histograms
{
    /// <summary>TensorFlow 2's default bucket count.</summary>
    public const int DefaultBuckets = 30;

    /// <summary>
    /// <paramref name="buckets"/> buckets of equal width from the smallest to the largest value (the last one closed on
    /// the right), or a single bucket when all values are equal. <c>bucket_limit[i]</c> is bucket i's right edge, its
    /// left edge the previous limit (<c>min</c> for the first), as TensorBoard reads a <c>HistogramProto</c>.
    /// NaN and infinite values are left out of the buckets and the statistics (a weight gone to NaN shows as
    /// fewer counted values, rather than a histogram TensorBoard cannot draw).
    /// </summary>
    public static HistogramProto Compute(ReadOnlySpan<double> values, int buckets = DefaultBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0, count = 0;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
                sumSquares += v * v;
                count++;
            }
        }

        var histogram = new HistogramProto();
        if (count == 0)
        {
            return histogram;
        }

        (histogram.Min, histogram.Max, histogram.Num, histogram.Sum, histogram.SumSquares) = (min, max, count, sum, sumSquares);
        if (min == max)
        {
            histogram.BucketLimit.Add(max);
            histogram.Bucket.Add(count);
            return histogram;
        }

        double width = (max - min) / buckets;
        double[] counts = new double[buckets];
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                counts[Math.Min(buckets - 1, (int)((v - min) / width))]++;
            }
        }

        for (int i = 0; i < buckets; i++)
        {
            histogram.BucketLimit.Add(i == buckets - 1 ? max : min + ((i + 1) * width));
        }

        histogram.Bucket.Add(counts);
        return histogram;
    }
}
