using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Element conversions between every pair of storage types. Numbers convert with saturation and truncation
/// toward zero (TensorFlow's Cast), bool reads as 0/1 and writes as "not zero", bfloat16 goes through float.
/// </summary>
internal static class Conversion
{
    /// <summary>Converts <paramref name="source"/>'s first <paramref name="count"/> elements into <paramref name="destination"/>.</summary>
    public static void Convert(Array source, DType from, Array destination, DType to, int count)
        => ParallelFor.Run(count, new ConvertBody(source, from, destination, to));

    /// <summary>Converts elements [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static void ConvertRange(Array source, DType from, Array destination, DType to, int start, int end)
    {
        int count = end - start;
        switch (from.Code)
        {
            case DTypeCode.Bool: To(MemoryMarshal.Cast<bool, byte>(Span<bool>(source, start, count)), destination, to, start); break;
            case DTypeCode.Int32: To(Span<int>(source, start, count), destination, to, start); break;
            case DTypeCode.Int64: To(Span<long>(source, start, count), destination, to, start); break;
            case DTypeCode.Float16: To(Span<Half>(source, start, count), destination, to, start); break;
            case DTypeCode.Float32: To(Span<float>(source, start, count), destination, to, start); break;
            case DTypeCode.Float64: To(Span<double>(source, start, count), destination, to, start); break;
            default:
                float[] wide = System.Buffers.ArrayPool<float>.Shared.Rent(count);
                WidenBFloat16(Span<BFloat16>(source, start, count), wide.AsSpan(0, count));
                To<float>(wide.AsSpan(0, count), destination, to, start);
                System.Buffers.ArrayPool<float>.Shared.Return(wide);
                break;
        }
    }

    /// <summary>Widens bfloat16 to float exactly.</summary>
    public static void WidenBFloat16(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<BFloat16, ushort>(source);
        Span<uint> wide = MemoryMarshal.Cast<float, uint>(destination);
        for (int i = 0; i < bits.Length; i++)
        {
            wide[i] = (uint)bits[i] << 16;
        }
    }

    /// <summary>Narrows float to bfloat16 with round-to-nearest-even.</summary>
    public static void NarrowToBFloat16(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = BFloat16.FromSingle(source[i]);
        }
    }

    private static ReadOnlySpan<T> Span<T>(Array array, int start, int count) => new((T[])array, start, count);

    private static void To<TFrom>(ReadOnlySpan<TFrom> source, Array destination, DType to, int start)
        where TFrom : unmanaged, INumberBase<TFrom>
    {
        int n = source.Length;
        switch (to.Code)
        {
            case DTypeCode.Bool:
                Span<bool> flags = new((bool[])destination, start, n);
                for (int i = 0; i < n; i++)
                {
                    flags[i] = source[i] != TFrom.Zero;
                }

                break;
            case DTypeCode.Int32: TensorPrimitives.ConvertSaturating(source, new Span<int>((int[])destination, start, n)); break;
            case DTypeCode.Int64: TensorPrimitives.ConvertSaturating(source, new Span<long>((long[])destination, start, n)); break;
            case DTypeCode.Float16: TensorPrimitives.ConvertSaturating(source, new Span<Half>((Half[])destination, start, n)); break;
            case DTypeCode.Float32: TensorPrimitives.ConvertSaturating(source, new Span<float>((float[])destination, start, n)); break;
            case DTypeCode.Float64: TensorPrimitives.ConvertSaturating(source, new Span<double>((double[])destination, start, n)); break;
            default:
                float[] wide = System.Buffers.ArrayPool<float>.Shared.Rent(n);
                TensorPrimitives.ConvertSaturating(source, wide.AsSpan(0, n));
                NarrowToBFloat16(wide.AsSpan(0, n), new Span<BFloat16>((BFloat16[])destination, start, n));
                System.Buffers.ArrayPool<float>.Shared.Return(wide);
                break;
        }
    }

    private readonly struct ConvertBody(Array source, DType from, Array destination, DType to) : IRangeBody
    {
        public void Invoke(int start, int end) => ConvertRange(source, from, destination, to, start, end);
    }
}
