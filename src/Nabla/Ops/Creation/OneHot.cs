using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// One-hot encoding: a new axis of size <paramref name="depth"/> at <paramref name="axis"/> (last by default)
    /// holding <paramref name="onValue"/> at each index and <paramref name="offValue"/> elsewhere. Negative or
    /// out-of-range indices give an all-off row, as in TensorFlow. float32 unless <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">When the indices are not int32/int64, depth is negative or the axis is out of range.</exception>
    public static Tensor OneHot(Tensor indices, int depth, double onValue = 1, double offValue = 0, int axis = -1, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        DType d = dtype ?? DType.Float32;
        if (!indices.DType.IsIndex)
        {
            throw new ArgumentException($"OneHot: indices must be int32 or int64, got {indices.DType} of shape {indices.Shape}.", nameof(indices));
        }

        if (depth < 0)
        {
            throw new ArgumentException($"OneHot: depth must be non-negative, got {depth} (indices {indices.Shape} {indices.DType}).", nameof(depth));
        }

        int rank = indices.Rank;
        if (axis < -1 || axis > rank)
        {
            throw new ArgumentException(
                $"OneHot: axis {axis} must be -1 or in [0, {rank}] for indices of shape {indices.Shape} ({indices.DType}).", nameof(axis));
        }

        if (d.IsInteger)
        {
            // An integer one-hot cannot hold NaN, a fraction or a value beyond its range: refuse it as TensorFlow
            // refuses converting such a Python number, instead of casting it to garbage.
            DTypeRules.ConvertWeak(onValue, d, "OneHot (onValue)");
            DTypeRules.ConvertWeak(offValue, d, "OneHot (offValue)");
        }

        return new OneHotOp(depth, onValue, offValue, axis == -1 ? rank : axis, d).Call(indices);
    }

    /// <summary>A new tensor of <paramref name="dtype"/> converted from float64 values.</summary>
    internal static Tensor FromDoubles(double[] values, Shape shape, DType dtype)
    {
        Tensor result = Tensor.Uninitialized(shape, dtype);
        if (values.Length > 0)
        {
            Conversion.Convert(values, DType.Float64, result.Buffer, dtype, values.Length);
        }

        return result;
    }
}
