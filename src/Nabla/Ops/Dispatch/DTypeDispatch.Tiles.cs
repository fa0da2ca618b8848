using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

/// <summary>The elementwise part of the dtype dispatch: unary ops run through their tile kernels.</summary>
internal static unsafe partial class DTypeDispatch
{
    // Elements of a float16/bfloat16 tensor widened at a time: 16 KiB of floats, which stays in L1/L2.
    private const int WideTile = 4096;

    /// <summary>
    /// Runs a unary elementwise op over <paramref name="x"/> into <paramref name="y"/> through its tile kernel
    /// (<see cref="IUnaryTile{TIn, TOut}"/>): one call per chunk, large tensors split over the cores. float16 and
    /// bfloat16 are widened tile by tile into one pooled float buffer per chunk (returned in a <c>finally</c>),
    /// computed by the float32 tile and narrowed back.
    /// </summary>
    public static void Elementwise(ElementwiseUnaryOp op, Tensor x, Tensor y)
    {
        bool toBool = y.DType == DType.Bool && x.DType != DType.Bool;
        switch (x.DType.Code)
        {
            case DTypeCode.Float32 when toBool: Tiles<float, bool>(op, x, y); break;
            case DTypeCode.Float32: Tiles<float, float>(op, x, y); break;
            case DTypeCode.Float64 when toBool: Tiles<double, bool>(op, x, y); break;
            case DTypeCode.Float64: Tiles<double, double>(op, x, y); break;
            case DTypeCode.Int8: Tiles<sbyte, sbyte>(op, x, y); break;
            case DTypeCode.UInt8: Tiles<byte, byte>(op, x, y); break;
            case DTypeCode.Int16: Tiles<short, short>(op, x, y); break;
            case DTypeCode.Int32: Tiles<int, int>(op, x, y); break;
            case DTypeCode.Int64: Tiles<long, long>(op, x, y); break;
            case DTypeCode.Bool: Tiles<bool, bool>(op, x, y); break;
            default: WideTiles(op, x, y, toBool); break;
        }
    }

    /// <summary>The tile kernel of <paramref name="op"/> for these element types, or an error naming the op and dtypes.</summary>
    public static IUnaryTile<TIn, TOut> TileOf<TIn, TOut>(ElementwiseUnaryOp op, DType dtype)
        => op as IUnaryTile<TIn, TOut>
            ?? throw new InvalidOperationException($"{op.Name} has no tile kernel from {typeof(TIn).Name} to {typeof(TOut).Name} (dtype {dtype}).");

    private static void Tiles<TIn, TOut>(ElementwiseUnaryOp op, Tensor x, Tensor y)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        IUnaryTile<TIn, TOut> tile = TileOf<TIn, TOut>(op, x.DType);
        ReadOnlySpan<TIn> xs = x.Read<TIn>();
        Span<TOut> ys = y.Write<TOut>();
        if (ParallelFor.ChunkCount(xs.Length) <= 1)
        {
            tile.ApplyTile(xs, ys);
            return;
        }

        fixed (TIn* px = xs)
        fixed (TOut* py = ys)
        {
            ParallelFor.Run(xs.Length, new TileBody<TIn, TOut>(tile, px, py));
        }
    }

    private static void WideTiles(ElementwiseUnaryOp op, Tensor x, Tensor y, bool toBool)
    {
        IUnaryTile<float, float>? same = toBool ? null : TileOf<float, float>(op, x.DType);
        IUnaryTile<float, bool>? predicate = toBool ? TileOf<float, bool>(op, x.DType) : null;
        // The output's first byte through its element type: a byte span of a tensor above 2 GiB cannot exist.
        ref byte output = ref toBool
            ? ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(y.Write<bool>()))
            : ref Unsafe.As<ushort, byte>(ref MemoryMarshal.GetReference(y.Write<ushort>()));
        fixed (ushort* px = x.Read<ushort>())
        fixed (byte* py = &output)
        {
            ParallelFor.Run(x.Size, new WideTileBody(same, predicate, px, py, x.DType));
        }
    }

    private readonly struct TileBody<TIn, TOut>(IUnaryTile<TIn, TOut> tile, TIn* x, TOut* y) : IRangeBody
        where TIn : unmanaged
        where TOut : unmanaged
    {
        public void Invoke(int start, int end)
            => tile.ApplyTile(new ReadOnlySpan<TIn>(x + start, end - start), new Span<TOut>(y + start, end - start));
    }

    private readonly struct WideTileBody(IUnaryTile<float, float>? same, IUnaryTile<float, bool>? predicate, ushort* x, byte* y, DType dtype)
        : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            float[] wide = ArrayPool<float>.Shared.Rent(Math.Min(WideTile, end - start));
            try
            {
                for (int s = start; s < end; s += WideTile)
                {
                    int n = Math.Min(WideTile, end - s);
                    Span<float> values = wide.AsSpan(0, n);
                    Widen(new ReadOnlySpan<ushort>(x + s, n), dtype, values);
                    if (predicate is not null)
                    {
                        predicate.ApplyTile(values, new Span<bool>(y + s, n));
                    }
                    else
                    {
                        same!.ApplyTile(values, values);
                        Narrow(values, dtype, new Span<ushort>((ushort*)y + s, n));
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(wide);
            }
        }
    }
}
