using System.Buffers;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>
/// float16 and bfloat16 are stored narrow and computed in float32 (as TensorFlow's CPU kernels do): these
/// helpers widen an operand into a pooled float buffer and narrow a float result back into the output.
/// </summary>
internal static class ReducedPrecision
{
    /// <summary>Widens the elements of a float16/bfloat16 buffer into a rented float array (return it with <see cref="Return"/>).</summary>
    public static float[] Widen(Array buffer, DType dtype, int count)
    {
        float[] wide = ArrayPool<float>.Shared.Rent(Math.Max(count, 1));
        if (dtype.Code == DTypeCode.Float16)
        {
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half[])buffer, 0, count), wide.AsSpan(0, count));
        }
        else
        {
            Conversion.WidenBFloat16(new ReadOnlySpan<BFloat16>((BFloat16[])buffer, 0, count), wide.AsSpan(0, count));
        }

        return wide;
    }

    /// <summary>Narrows <paramref name="count"/> floats into a float16/bfloat16 buffer.</summary>
    public static void Narrow(ReadOnlySpan<float> values, Array buffer, DType dtype, int count)
    {
        if (dtype.Code == DTypeCode.Float16)
        {
            TensorPrimitives.ConvertToHalf(values[..count], new Span<Half>((Half[])buffer, 0, count));
        }
        else
        {
            Conversion.NarrowToBFloat16(values[..count], new Span<BFloat16>((BFloat16[])buffer, 0, count));
        }
    }

    /// <summary>Widens <paramref name="values"/>.Length elements of a float16/bfloat16 buffer from <paramref name="offset"/>.</summary>
    public static void WidenAt(Array buffer, DType dtype, int offset, Span<float> values)
    {
        if (dtype.Code == DTypeCode.Float16)
        {
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half[])buffer, offset, values.Length), values);
        }
        else
        {
            Conversion.WidenBFloat16(new ReadOnlySpan<BFloat16>((BFloat16[])buffer, offset, values.Length), values);
        }
    }

    /// <summary>Narrows <paramref name="values"/> into a float16/bfloat16 buffer from <paramref name="offset"/>.</summary>
    public static void NarrowAt(ReadOnlySpan<float> values, Array buffer, DType dtype, int offset)
    {
        if (dtype.Code == DTypeCode.Float16)
        {
            TensorPrimitives.ConvertToHalf(values, new Span<Half>((Half[])buffer, offset, values.Length));
        }
        else
        {
            Conversion.NarrowToBFloat16(values, new Span<BFloat16>((BFloat16[])buffer, offset, values.Length));
        }
    }

    /// <summary>Returns a buffer from <see cref="Widen(Array, DType, int)"/>.</summary>
    public static void Return(float[] wide) => ArrayPool<float>.Shared.Return(wide);
}
