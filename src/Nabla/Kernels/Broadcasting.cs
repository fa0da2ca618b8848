namespace Nabla.Kernels;

/// <summary>
/// Drives binary kernels over broadcast operands. Equal shapes and scalar operands go straight to the kernel;
/// anything else is walked as contiguous runs with a <see cref="BroadcastPlan"/>.
/// </summary>
internal static class Broadcasting
{
    public static void Binary<TX, TY, TZ, TKernel>(
        ReadOnlySpan<TX> x, ReadOnlySpan<int> xDims, ReadOnlySpan<TY> y, ReadOnlySpan<int> yDims, Span<TZ> z, ReadOnlySpan<int> zDims)
        where TKernel : IBinaryRun<TX, TY, TZ>
    {
        int n = z.Length;
        if (x.Length == n && y.Length == n)
        {
            // Same element count as the output means same shape up to size-1 axes: the same element order.
            TKernel.RunRun(x, y, z);
            return;
        }

        if (y.Length == 1 && x.Length == n)
        {
            TKernel.RunScalar(x, y[0], z);
            return;
        }

        if (x.Length == 1 && y.Length == n)
        {
            TKernel.ScalarRun(x[0], y, z);
            return;
        }

        var plan = new BroadcastPlan(zDims, xDims.ToArray(), yDims.ToArray());
        int inner = plan.InnerLength;
        int outer = plan.OuterCount;
        int[][] offsets = [new int[outer], new int[outer]];
        plan.OuterOffsets(offsets);
        bool xRun = plan.InnerStride(0) != 0;
        bool yRun = plan.InnerStride(1) != 0;
        for (int r = 0; r < outer; r++)
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
}
