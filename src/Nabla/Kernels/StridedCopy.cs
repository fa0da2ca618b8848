namespace Nabla.Kernels;

/// <summary>
/// The one data-movement kernel behind Transpose, Slice, Pad, Concat, Tile and Reverse: copies a walk over
/// <c>dims</c> from strided source positions to strided destination positions. Dimensions are coalesced first
/// (size-1 axes dropped, neighbours merged where both layouts are contiguous across them); the innermost run is
/// then a block copy, a fill (stride 0) or a tight strided loop, and a transpose-like pair of inner axes is
/// copied in cache-sized 2-D blocks. Elements move by size only (1/2/4/8 bytes), so every dtype shares it.
/// </summary>
internal static class StridedCopy
{
    private const int Block = 32;

    /// <summary>Row-major strides of <paramref name="dims"/>.</summary>
    public static int[] RowMajorStrides(ReadOnlySpan<int> dims)
    {
        var strides = new int[dims.Length];
        int s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }

        return strides;
    }

    /// <summary>dst[dstOffset + Σ i_k·dstStrides[k]] = src[srcOffset + Σ i_k·srcStrides[k]] for every index i of <paramref name="dims"/>.</summary>
    public static void Run<T>(ReadOnlySpan<T> src, int srcOffset, int[] srcStrides, Span<T> dst, int dstOffset, int[] dstStrides, int[] dims)
    {
        int rank = Coalesce(dims, srcStrides, dstStrides, out int[] d, out int[] ss, out int[] ds);
        if (rank < 0)
        {
            return;
        }

        if (rank == 0)
        {
            dst[dstOffset] = src[srcOffset];
            return;
        }

        int last = rank - 1;
        bool blocked = rank >= 2 && ds[last] == 1 && ss[last] != 1 && ss[last - 1] == 1 && d[last] >= 4 && d[last - 1] >= 4;
        int outerRank = blocked ? rank - 2 : rank - 1;
        long outerCount = 1;
        for (int k = 0; k < outerRank; k++)
        {
            outerCount *= d[k];
        }

        var index = new int[Math.Max(outerRank, 1)];
        int so = srcOffset;
        int dof = dstOffset;
        for (long r = 0; r < outerCount; r++)
        {
            if (blocked)
            {
                Block2D(src, so, ss[last - 1], ss[last], dst, dof, ds[last - 1], d[last - 1], d[last]);
            }
            else
            {
                Run1D(src, so, ss[last], dst, dof, ds[last], d[last]);
            }

            for (int k = outerRank - 1; k >= 0; k--)
            {
                so += ss[k];
                dof += ds[k];
                if (++index[k] < d[k])
                {
                    break;
                }

                so -= ss[k] * d[k];
                dof -= ds[k] * d[k];
                index[k] = 0;
            }
        }
    }

    private static void Run1D<T>(ReadOnlySpan<T> src, int so, int ss, Span<T> dst, int dof, int ds, int n)
    {
        if (ss == 1 && ds == 1)
        {
            src.Slice(so, n).CopyTo(dst.Slice(dof, n));
        }
        else if (ss == 0 && ds == 1)
        {
            dst.Slice(dof, n).Fill(src[so]);
        }
        else
        {
            for (int j = 0; j < n; j++)
            {
                dst[dof + (j * ds)] = src[so + (j * ss)];
            }
        }
    }

    // dst rows are contiguous (column stride 1), src columns are contiguous (row stride 1): a transpose.
    private static void Block2D<T>(ReadOnlySpan<T> src, int so, int srcRowStride, int srcColStride, Span<T> dst, int dof, int dstRowStride, int rows, int cols)
    {
        for (int i0 = 0; i0 < rows; i0 += Block)
        {
            int i1 = Math.Min(i0 + Block, rows);
            for (int j0 = 0; j0 < cols; j0 += Block)
            {
                int j1 = Math.Min(j0 + Block, cols);
                for (int i = i0; i < i1; i++)
                {
                    int s = so + (i * srcRowStride);
                    Span<T> row = dst.Slice(dof + (i * dstRowStride), cols);
                    for (int j = j0; j < j1; j++)
                    {
                        row[j] = src[s + (j * srcColStride)];
                    }
                }
            }
        }
    }

    // Drops size-1 axes and merges axis k into k+1 when both layouts are contiguous across them; -1 when empty.
    private static int Coalesce(int[] dims, int[] srcStrides, int[] dstStrides, out int[] d, out int[] ss, out int[] ds)
    {
        d = new int[dims.Length];
        ss = new int[dims.Length];
        ds = new int[dims.Length];
        int n = 0;
        for (int k = 0; k < dims.Length; k++)
        {
            if (dims[k] == 0)
            {
                return -1;
            }

            if (dims[k] == 1)
            {
                continue;
            }

            if (n > 0 && ss[n - 1] == srcStrides[k] * dims[k] && ds[n - 1] == dstStrides[k] * dims[k])
            {
                d[n - 1] *= dims[k];
                ss[n - 1] = srcStrides[k];
                ds[n - 1] = dstStrides[k];
                continue;
            }

            d[n] = dims[k];
            ss[n] = srcStrides[k];
            ds[n] = dstStrides[k];
            n++;
        }

        return n;
    }
}
