using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Drives binary kernels over broadcast operands. Equal shapes and scalar operands go straight to the kernel;
/// an operand broadcast along leading axes (a bias row) or trailing axes (a keepdims column) is walked row by
/// row without a plan; anything else is walked as contiguous runs with a <see cref="BroadcastPlan"/>. Large
/// outputs are split over the cores by <see cref="ParallelFor"/> (operands are pinned for the duration).
/// </summary>
internal static unsafe class Broadcasting
{
    // How an operand is read along the output: the whole run, one scalar, a row repeated for every row
    // (trailing-axes broadcast) or one element per row (leading-axes broadcast).
    private const int Full = 0, Scalar = 1, RepeatRow = 2, PerRow = 3;

    public static void Binary<TX, TY, TZ, TKernel>(
        ReadOnlySpan<TX> x, ReadOnlySpan<int> xDims, ReadOnlySpan<TY> y, ReadOnlySpan<int> yDims, Span<TZ> z, ReadOnlySpan<int> zDims)
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        int n = z.Length;
        if (n == 0)
        {
            return;
        }

        int xMode, yMode, row;
        if (x.Length == n && y.Length == n)
        {
            // Same element count as the output means same shape up to size-1 axes: the same element order.
            (xMode, yMode, row) = (Full, Full, n);
        }
        else if (y.Length == 1 && x.Length == n)
        {
            (xMode, yMode, row) = (Full, Scalar, n);
        }
        else if (x.Length == 1 && y.Length == n)
        {
            (xMode, yMode, row) = (Scalar, Full, n);
        }
        else if (x.Length == n && Classify(yDims, zDims, out row) is int ym)
        {
            (xMode, yMode) = (Full, ym);
        }
        else if (y.Length == n && Classify(xDims, zDims, out row) is int xm)
        {
            (xMode, yMode) = (xm, Full);
        }
        else
        {
            Planned<TX, TY, TZ, TKernel>(x, xDims, y, yDims, z, zDims);
            return;
        }

        if (ParallelFor.ChunkCount(n) <= 1)
        {
            Rows<TX, TY, TZ, TKernel>(x, xMode, y, yMode, z, row, 0, n);
            return;
        }

        fixed (byte* px = &Unsafe.As<TX, byte>(ref MemoryMarshal.GetReference(x)))
        fixed (byte* py = &Unsafe.As<TY, byte>(ref MemoryMarshal.GetReference(y)))
        fixed (byte* pz = &Unsafe.As<TZ, byte>(ref MemoryMarshal.GetReference(z)))
        {
            var body = new RowsBody<TX, TY, TZ, TKernel>((nint)px, x.Length, xMode, (nint)py, y.Length, yMode, (nint)pz, n, row);
            if (row == n || row >= ParallelFor.MinChunk)
            {
                // Split the elements: chunks may start and end inside a row.
                ParallelFor.Run(n, body);
            }
            else
            {
                // Many short rows: split whole rows.
                ParallelFor.RunItems(n / row, row, new RowRangeBody<RowsBody<TX, TY, TZ, TKernel>>(body, row));
            }
        }
    }

    /// <summary>Copies <paramref name="x"/> broadcast to <paramref name="zDims"/> into <paramref name="z"/>.</summary>
    public static void BroadcastCopy<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> xDims, Span<T> z, ReadOnlySpan<int> zDims)
    {
        if (x.Length == z.Length)
        {
            x.CopyTo(z);
            return;
        }

        if (x.Length == 1)
        {
            z.Fill(x[0]);
            return;
        }

        if (Classify(xDims, zDims, out int row) is int mode)
        {
            for (int s = 0; s < z.Length; s += row)
            {
                if (mode == RepeatRow)
                {
                    x.CopyTo(z.Slice(s, row));
                }
                else
                {
                    z.Slice(s, row).Fill(x[s / row]);
                }
            }

            return;
        }

        var plan = new BroadcastPlan(zDims, xDims.ToArray());
        int inner = plan.InnerLength;
        int outer = plan.OuterCount;
        int[][] offsets = [new int[outer]];
        plan.OuterOffsets(offsets);
        bool run = plan.InnerStride(0) != 0;
        for (int r = 0; r < outer; r++)
        {
            Span<T> zRun = z.Slice(r * inner, inner);
            if (run)
            {
                x.Slice(offsets[0][r], inner).CopyTo(zRun);
            }
            else
            {
                zRun.Fill(x[offsets[0][r]]);
            }
        }
    }

    /// <summary>
    /// Recognises the two common partial broadcasts of an operand against the output, ignoring size-1 axes:
    /// its dims equal the output's trailing dims (it repeats every <paramref name="row"/> elements) or the
    /// output's leading dims (each of its elements covers <paramref name="row"/> output elements).
    /// </summary>
    private static int? Classify(ReadOnlySpan<int> dims, ReadOnlySpan<int> zDims, out int row)
    {
        row = 0;
        int lead = zDims.Length - dims.Length;
        int first = -1, last = -1; // the range of output axes where the operand is not broadcast (size > 1)
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1 && zDims[lead + i] != 1)
            {
                continue;
            }

            if (dims[i] != 1)
            {
                if (first < 0)
                {
                    first = lead + i;
                }
                else if (last != lead + i - 1 && !AllOnes(zDims, last + 1, lead + i))
                {
                    return null; // a broadcast axis between two kept ones
                }

                last = lead + i;
            }
        }

        if (first < 0)
        {
            return null;
        }

        if (AllOnes(zDims, last + 1, zDims.Length))
        {
            row = Product(zDims, first, zDims.Length);
            return RepeatRow;
        }

        if (AllOnes(zDims, 0, first))
        {
            row = Product(zDims, last + 1, zDims.Length);
            return PerRow;
        }

        return null;
    }

    private static bool AllOnes(ReadOnlySpan<int> dims, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            if (dims[i] != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static int Product(ReadOnlySpan<int> dims, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++)
        {
            p *= dims[i];
        }

        return p;
    }

    /// <summary>Output elements [start, end) for operands read in the given modes (rows of <paramref name="row"/> elements).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TX, TY, TZ, TKernel>(ReadOnlySpan<TX> x, int xMode, ReadOnlySpan<TY> y, int yMode, Span<TZ> z, int row, int start, int end)
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        while (start < end)
        {
            int r = start / row;
            int stop = Math.Min(end, (r + 1) * row);
            int len = stop - start;
            int inRow = start - (r * row);
            Span<TZ> zs = z.Slice(start, len);
            bool xRun = xMode is Full or RepeatRow;
            bool yRun = yMode is Full or RepeatRow;
            int xo = xMode switch { Full => start, RepeatRow => inRow, PerRow => r, _ => 0 };
            int yo = yMode switch { Full => start, RepeatRow => inRow, PerRow => r, _ => 0 };
            if (xRun && yRun)
            {
                TKernel.RunRun(x.Slice(xo, len), y.Slice(yo, len), zs);
            }
            else if (xRun)
            {
                TKernel.RunScalar(x.Slice(xo, len), y[yo], zs);
            }
            else
            {
                TKernel.ScalarRun(x[xo], y.Slice(yo, len), zs);
            }

            start = stop;
        }
    }

    private static void Planned<TX, TY, TZ, TKernel>(
        ReadOnlySpan<TX> x, ReadOnlySpan<int> xDims, ReadOnlySpan<TY> y, ReadOnlySpan<int> yDims, Span<TZ> z, ReadOnlySpan<int> zDims)
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        var plan = new BroadcastPlan(zDims, xDims.ToArray(), yDims.ToArray());
        int inner = plan.InnerLength;
        int outer = plan.OuterCount;
        int[][] offsets = [new int[outer], new int[outer]];
        plan.OuterOffsets(offsets);
        bool xRun = plan.InnerStride(0) != 0;
        bool yRun = plan.InnerStride(1) != 0;
        if (ParallelFor.ChunkCount(z.Length) <= 1 || outer < 2)
        {
            PlannedRuns<TX, TY, TZ, TKernel>(x, y, z, inner, offsets, xRun, yRun, 0, outer);
            return;
        }

        fixed (byte* px = &Unsafe.As<TX, byte>(ref MemoryMarshal.GetReference(x)))
        fixed (byte* py = &Unsafe.As<TY, byte>(ref MemoryMarshal.GetReference(y)))
        fixed (byte* pz = &Unsafe.As<TZ, byte>(ref MemoryMarshal.GetReference(z)))
        {
            var body = new PlannedBody<TX, TY, TZ, TKernel>((nint)px, x.Length, (nint)py, y.Length, (nint)pz, z.Length, inner, offsets, xRun, yRun);
            ParallelFor.RunItems(outer, inner, body);
        }
    }

    private static void PlannedRuns<TX, TY, TZ, TKernel>(
        ReadOnlySpan<TX> x, ReadOnlySpan<TY> y, Span<TZ> z, int inner, int[][] offsets, bool xRun, bool yRun, int from, int to)
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        for (int r = from; r < to; r++)
        {
            Span<TZ> zRun = z.Slice(r * inner, inner);
            int xo = offsets[0][r];
            int yo = offsets[1][r];
            if (xRun && yRun)
            {
                TKernel.RunRun(x.Slice(xo, inner), y.Slice(yo, inner), zRun);
            }
            else if (xRun)
            {
                TKernel.RunScalar(x.Slice(xo, inner), y[yo], zRun);
            }
            else if (yRun)
            {
                TKernel.ScalarRun(x[xo], y.Slice(yo, inner), zRun);
            }
            else
            {
                TKernel.RunScalar(x.Slice(xo, 1), y[yo], zRun[..1]);
                zRun.Fill(zRun[0]);
            }
        }
    }

    private static Span<T> At<T>(nint pointer, int length) => MemoryMarshal.CreateSpan(ref Unsafe.AsRef<T>((void*)pointer), length);

    private readonly struct RowsBody<TX, TY, TZ, TKernel>(nint x, int xLength, int xMode, nint y, int yLength, int yMode, nint z, int zLength, int row) : IRangeBody
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        public void Invoke(int start, int end)
            => Rows<TX, TY, TZ, TKernel>(At<TX>(x, xLength), xMode, At<TY>(y, yLength), yMode, At<TZ>(z, zLength), row, start, end);
    }

    // Turns a range of rows into the element range of a rows body.
    private readonly struct RowRangeBody<TBody>(TBody body, int row) : IRangeBody
        where TBody : struct, IRangeBody
    {
        public void Invoke(int start, int end) => body.Invoke(start * row, end * row);
    }

    private readonly struct PlannedBody<TX, TY, TZ, TKernel>(
        nint x, int xLength, nint y, int yLength, nint z, int zLength, int inner, int[][] offsets, bool xRun, bool yRun) : IRangeBody
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        public void Invoke(int start, int end)
            => PlannedRuns<TX, TY, TZ, TKernel>(At<TX>(x, xLength), At<TY>(y, yLength), At<TZ>(z, zLength), inner, offsets, xRun, yRun, start, end);
    }
}
