namespace Nabla;

public static partial class Tf
{
    /// <summary>An indexer entry inserting an axis of size 1 (TensorFlow's <c>tf.newaxis</c>): <c>t[Tf.NewAxis, ..]</c>.</summary>
    public static TensorIndex NewAxis => TensorIndex.NewAxis;

    /// <summary>An indexer entry standing for the whole axes the other entries leave (Python's <c>...</c>): <c>t[Tf.Ellipsis, 0]</c>.</summary>
    public static TensorIndex Ellipsis => TensorIndex.Ellipsis;

    /// <summary>
    /// TensorFlow's <c>tf.strided_slice</c>: entry i of <paramref name="begin"/>, <paramref name="end"/> and
    /// <paramref name="strides"/> (all 1 when null) is Python's <c>begin:end:stride</c> on the next axis, unless bit i
    /// of a mask says otherwise: <paramref name="beginMask"/> / <paramref name="endMask"/> ignore that bound (the whole
    /// axis in the stride's direction), <paramref name="ellipsisMask"/> makes the entry an ellipsis,
    /// <paramref name="newAxisMask"/> inserts an axis of size 1, <paramref name="shrinkAxisMask"/> picks position
    /// begin[i] and removes the axis. The same as the indexer with <see cref="TensorIndex.Slice"/>,
    /// <see cref="NewAxis"/> and <see cref="Ellipsis"/> entries; gradients to any order.
    /// </summary>
    /// <exception cref="ArgumentException">When the arrays differ in length, a stride is 0, or there are several ellipses.</exception>
    /// <exception cref="IndexOutOfRangeException">When a shrunk position is outside its axis, or there are more entries than axes.</exception>
    public static Tensor StridedSlice(
        Tensor input, int[] begin, int[] end, int[]? strides = null,
        int beginMask = 0, int endMask = 0, int ellipsisMask = 0, int newAxisMask = 0, int shrinkAxisMask = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(end);
        if (end.Length != begin.Length || (strides is not null && strides.Length != begin.Length))
        {
            throw new ArgumentException(
                $"StridedSlice: begin, end and strides must have the same length, got {begin.Length}, {end.Length} and {strides?.Length ?? begin.Length} (input of shape {input.Shape}, {input.DType}) [Op:StridedSlice].");
        }

        var indices = new TensorIndex[begin.Length];
        for (int i = 0; i < begin.Length; i++)
        {
            int bit = 1 << i;
            int stride = strides?[i] ?? 1;
            if (stride == 0 && (ellipsisMask & bit) == 0 && (newAxisMask & bit) == 0 && (shrinkAxisMask & bit) == 0)
            {
                throw new ArgumentException($"StridedSlice: strides[{i}] must be non-zero (input of shape {input.Shape}, {input.DType}) [Op:StridedSlice].");
            }

            indices[i] = (ellipsisMask & bit) != 0 ? TensorIndex.Ellipsis
                : (newAxisMask & bit) != 0 ? TensorIndex.NewAxis
                : (shrinkAxisMask & bit) != 0 ? TensorIndex.FromInt32(begin[i])
                : TensorIndex.Slice((beginMask & bit) != 0 ? null : begin[i], (endMask & bit) != 0 ? null : end[i], stride);
        }

        return StridedSlicing.Apply(input, indices);
    }
}
