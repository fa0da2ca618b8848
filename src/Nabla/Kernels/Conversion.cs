using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Element conversions between every pair of storage types, as TensorFlow's Cast (C++'s static_cast): an integer
/// into a narrower integer keeps its low bits (two's complement: int64 2^32 + 5 becomes int32 5, int32 -1 becomes
/// uint8 255); a float into int8, uint8 or int16 is truncated toward zero to an integer and wrapped the same way
/// (Keras's documented -1.0 and 256.0 to uint8 255 and 0; NaN becomes 0); a float into int32 or int64 is truncated
/// toward zero and saturates (TensorFlow leaves out-of-range float-to-int32/int64 undefined: x86 gives INT_MIN, so a
/// defined answer is chosen); between floats values round to nearest; bool reads as 0/1 and
/// writes as "not zero"; bfloat16 goes through float.
/// </summary>
internal static class Conversion
{
    /// <summary>Converts <paramref name="source"/>'s first <paramref name="count"/> elements into <paramref name="destination"/>.</summary>
    public static void Convert(Array source, DType from, Array destination, DType to, int count)
    {
        if (count > SmallFloat.MaxElements || !TrySmall(source, from, destination, to, count))
        {
            ParallelFor.Run(count, new ConvertBody(source, from, destination, to));
        }
    }

    /// <summary>
    /// The start-up path (as <see cref="SmallFloat"/>, issue 11) for the conversions a float program makes of small
    /// tensors, such as the weak scalar of <c>x / 2.0</c> taking a float32 tensor's dtype or an int32 count becoming
    /// float: float64 to float32, float32 to float64, int32 to float32 or float64, by plain casts, which crossgen2
    /// precompiles (the general path is generic over static abstract members, left to the JIT: a dozen methods, ~10 ms
    /// in a fresh process). Each cast is the one IEEE conversion (round to nearest) the vectorized path makes, so the
    /// bits are the same; <c>SmallFloatPathTests</c> compares them. Returns false, writing nothing, for other pairs.
    /// </summary>
    private static bool TrySmall(Array source, DType from, Array destination, DType to, int count)
    {
        // One loop per pair on purpose: a generic loop would need a generic conversion, which is what is not precompiled.
        switch ((from.Code, to.Code))
        {
            case (DTypeCode.Float64, DTypeCode.Float32):
                double[] d = (double[])source;
                float[] f = (float[])destination;
                for (int i = 0; i < count; i++)
                {
                    f[i] = (float)d[i];
                }

                return true;
            case (DTypeCode.Float32, DTypeCode.Float64):
                float[] single = (float[])source;
                double[] wide = (double[])destination;
                for (int i = 0; i < count; i++)
                {
                    wide[i] = single[i];
                }

                return true;
            case (DTypeCode.Int32, DTypeCode.Float32):
                int[] n = (int[])source;
                float[] nf = (float[])destination;
                for (int i = 0; i < count; i++)
                {
                    nf[i] = n[i];
                }

                return true;
            case (DTypeCode.Int32, DTypeCode.Float64):
                int[] m = (int[])source;
                double[] md = (double[])destination;
                for (int i = 0; i < count; i++)
                {
                    md[i] = m[i];
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Converts elements [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static void ConvertRange(Array source, DType from, Array destination, DType to, int start, int end)
    {
        int count = end - start;
        switch (from.Code)
        {
            case DTypeCode.Bool: To(MemoryMarshal.Cast<bool, byte>(Span<bool>(source, start, count)), destination, to, start); break;
            case DTypeCode.Int8: To(Span<sbyte>(source, start, count), destination, to, start); break;
            case DTypeCode.UInt8: To(Span<byte>(source, start, count), destination, to, start); break;
            case DTypeCode.Int16: To(Span<short>(source, start, count), destination, to, start); break;
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
        Span<uint> wide = MemoryMarshal.Cast<float, uint>(destination)[..bits.Length];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= bits.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                (Vector256<uint> low, Vector256<uint> high) = Vector256.Widen(Vector256.Create(bits.Slice(i, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(low, 16).CopyTo(wide.Slice(i));
                Vector256.ShiftLeft(high, 16).CopyTo(wide.Slice(i + Vector256<uint>.Count));
            }
        }

        for (; i < bits.Length; i++)
        {
            wide[i] = (uint)bits[i] << 16;
        }
    }

    /// <summary>Narrows float to bfloat16 with round-to-nearest-even.</summary>
    public static void NarrowToBFloat16(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(source);
        Span<ushort> narrow = MemoryMarshal.Cast<BFloat16, ushort>(destination)[..bits.Length];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // BFloat16.FromSingle, 16 at a time: round to nearest even, NaN kept quiet.
            Vector256<uint> bias = Vector256.Create(0x7FFFu);
            Vector256<uint> quiet = Vector256.Create(0x0040u);
            for (; i <= bits.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                Vector256<uint> a = Vector256.Create(bits.Slice(i, Vector256<uint>.Count));
                Vector256<uint> b = Vector256.Create(bits.Slice(i + Vector256<uint>.Count, Vector256<uint>.Count));
                Vector256.Narrow(Round(a, bias, quiet), Round(b, bias, quiet)).CopyTo(narrow.Slice(i));
            }
        }

        for (; i < bits.Length; i++)
        {
            destination[i] = BFloat16.FromSingle(source[i]);
        }
    }

    private static Vector256<uint> Round(Vector256<uint> bits, Vector256<uint> bias, Vector256<uint> quiet)
    {
        Vector256<uint> upper = Vector256.ShiftRightLogical(bits, 16);
        Vector256<uint> rounded = Vector256.ShiftRightLogical(bits + bias + (upper & Vector256<uint>.One), 16);
        Vector256<uint> isNaN = ~Vector256.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32();
        return Vector256.ConditionalSelect(isNaN, upper | quiet, rounded);
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
            case DTypeCode.Int8: Wrap(source, new Span<sbyte>((sbyte[])destination, start, n)); break;
            case DTypeCode.UInt8: Wrap(source, new Span<byte>((byte[])destination, start, n)); break;
            case DTypeCode.Int16: Wrap(source, new Span<short>((short[])destination, start, n)); break;
            case DTypeCode.Int32: IntoWide(source, new Span<int>((int[])destination, start, n)); break;
            case DTypeCode.Int64: IntoWide(source, new Span<long>((long[])destination, start, n)); break;
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

    // Into int32 or int64: an integer keeps its low bits (int64 to int32 wraps, as TensorFlow's), a float saturates.
    private static void IntoWide<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, IBinaryInteger<TTo>
    {
        if (IsFloat<TFrom>())
        {
            TensorPrimitives.ConvertSaturating(source, destination);
        }
        else
        {
            TensorPrimitives.ConvertTruncating(source, destination);
        }
    }

    private static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half);

    // Into a narrow integer: keep the low bits of the value (of its truncation toward zero, for a float), as TensorFlow.
    private static void Wrap<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, IBinaryInteger<TTo>
    {
        if (!IsFloat<TFrom>())
        {
            TensorPrimitives.ConvertTruncating(source, destination);
            return;
        }

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = TTo.CreateTruncating(long.CreateSaturating(source[i]));
        }
    }

    private readonly struct ConvertBody(Array source, DType from, Array destination, DType to) : IRangeBody
    {
        public void Invoke(int start, int end) => ConvertRange(source, from, destination, to, start, end);
    }
}
