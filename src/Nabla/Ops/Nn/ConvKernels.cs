using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

/// <summary>
/// The three computations of a 2-D convolution (forward, gradient of the input, gradient of the filters) over NHWC
/// spans, for every grouping TensorFlow infers from the shapes (input depth = groups · filter in-depth):
/// <list type="bullet">
/// <item>one group: im2col in chunks of images, one GEMM per chunk against the (KH·KW·C, O) filter matrix;</item>
/// <item>groups of one input channel each (depthwise, and depthwise with a channel multiplier): direct loops over
/// channel runs (<see cref="DepthwiseKernels"/>), since the per-group products would be matrix-vector products;</item>
/// <item>other groups: per group, im2col of its channels and a GEMM against its filter columns, packed contiguous
/// once per call; the group's output columns are gathered from and scattered into the interleaved channels.</item>
/// </list>
/// </summary>
internal static class ConvKernels
{
    /// <summary>y = conv(x, w): x (N, H, W, C), w (KH, KW, C / G, O), y (N, OH, OW, O).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (IsDepthwise(g))
        {
            DepthwiseKernels.Forward(x, w, y, g, outChannels);
            return;
        }

        int groups = g.Groups, perGroup = outChannels / groups, chunk = WindowKernels.ImagesPerChunk(g), rowsPerImage = g.OutPerImage;
        int maxRows = Math.Min(chunk, g.Batch) * rowsPerImage;
        T[] cols = ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * g.Patch));
        T[]? packed = groups > 1 ? PackGroupFilters(w, g, outChannels) : null;
        T[]? part = groups > 1 ? ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * perGroup)) : null;
        for (int n0 = 0; n0 < g.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, g.Batch - n0), rows = count * rowsPerImage;
            Span<T> yChunk = y.Slice(n0 * rowsPerImage * outChannels, rows * outChannels);
            for (int group = 0; group < groups; group++)
            {
                WindowKernels.Im2Col(x, cols, g, n0, count, group);
                Span<T> colsSpan = cols.AsSpan(0, rows * g.Patch);
                if (packed is null)
                {
                    WindowKernels.Gemm<T>(colsSpan, w, yChunk, rows, outChannels, g.Patch, false, false);
                    continue;
                }

                Span<T> partSpan = part.AsSpan(0, rows * perGroup);
                WindowKernels.Gemm<T>(colsSpan, GroupFilter(packed, g, perGroup, group), partSpan, rows, perGroup, g.Patch, false, false);
                CopyColumns<T>(partSpan, perGroup, 0, yChunk, outChannels, group * perGroup, rows, perGroup);
            }
        }

        ReturnAll(cols, packed, part);
    }

    /// <summary>dx = convᵀ(dy, w): the gradient of <see cref="Forward"/> with respect to x (col2im of dy · wᵀ).</summary>
    public static void BackpropInput<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dx.Clear();
        if (IsDepthwise(g))
        {
            DepthwiseKernels.BackpropInput(w, dy, dx, g, outChannels);
            return;
        }

        int groups = g.Groups, perGroup = outChannels / groups, chunk = WindowKernels.ImagesPerChunk(g), rowsPerImage = g.OutPerImage;
        int maxRows = Math.Min(chunk, g.Batch) * rowsPerImage;
        T[] cols = ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * g.Patch));
        T[]? packed = groups > 1 ? PackGroupFilters(w, g, outChannels) : null;
        T[]? part = groups > 1 ? ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * perGroup)) : null;
        for (int n0 = 0; n0 < g.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, g.Batch - n0), rows = count * rowsPerImage;
            ReadOnlySpan<T> dyChunk = dy.Slice(n0 * rowsPerImage * outChannels, rows * outChannels);
            Span<T> dcols = cols.AsSpan(0, rows * g.Patch);
            for (int group = 0; group < groups; group++)
            {
                if (packed is null)
                {
                    WindowKernels.Gemm<T>(dyChunk, w, dcols, rows, g.Patch, outChannels, false, true);
                }
                else
                {
                    Span<T> dyGroup = part.AsSpan(0, rows * perGroup);
                    CopyColumns(dyChunk, outChannels, group * perGroup, dyGroup, perGroup, 0, rows, perGroup);
                    WindowKernels.Gemm<T>(dyGroup, GroupFilter(packed, g, perGroup, group), dcols, rows, g.Patch, perGroup, false, true);
                }

                WindowKernels.Col2ImAdd<T>(dcols, dx, g, n0, count, group);
            }
        }

        ReturnAll(cols, packed, part);
    }

    /// <summary>dw = im2col(x)ᵀ · dy: the gradient of <see cref="Forward"/> with respect to w, summed over the batch.</summary>
    public static void BackpropFilter<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dw.Clear();
        if (IsDepthwise(g))
        {
            DepthwiseKernels.BackpropFilter(x, dy, dw, g, outChannels);
            return;
        }

        int groups = g.Groups, perGroup = outChannels / groups, chunk = WindowKernels.ImagesPerChunk(g), rowsPerImage = g.OutPerImage;
        int maxRows = Math.Min(chunk, g.Batch) * rowsPerImage;
        T[] cols = ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * g.Patch));
        T[] partial = ArrayPool<T>.Shared.Rent(Math.Max(1, g.Patch * perGroup));
        T[]? dyGroups = groups > 1 ? ArrayPool<T>.Shared.Rent(Math.Max(1, maxRows * perGroup)) : null;
        for (int n0 = 0; n0 < g.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, g.Batch - n0), rows = count * rowsPerImage;
            ReadOnlySpan<T> dyChunk = dy.Slice(n0 * rowsPerImage * outChannels, rows * outChannels);
            Span<T> part = partial.AsSpan(0, g.Patch * perGroup);
            for (int group = 0; group < groups; group++)
            {
                WindowKernels.Im2Col(x, cols, g, n0, count, group);
                ReadOnlySpan<T> dyGroup = dyChunk;
                if (dyGroups is not null)
                {
                    CopyColumns(dyChunk, outChannels, group * perGroup, dyGroups, perGroup, 0, rows, perGroup);
                    dyGroup = dyGroups.AsSpan(0, rows * perGroup);
                }

                WindowKernels.Gemm<T>(cols.AsSpan(0, rows * g.Patch), dyGroup, part, g.Patch, perGroup, rows, true, false);
                if (groups == 1)
                {
                    TensorPrimitives.Add(dw, part, dw);
                    continue;
                }

                for (int r = 0; r < g.Patch; r++)
                {
                    Span<T> target = dw.Slice((r * outChannels) + (group * perGroup), perGroup);
                    TensorPrimitives.Add(target, part.Slice(r * perGroup, perGroup), target);
                }
            }
        }

        ReturnAll(cols, partial, dyGroups);
    }

    /// <summary>Groups of one input channel each: the direct depthwise loops beat per-group products.</summary>
    private static bool IsDepthwise(in Window2D g) => g.Groups > 1 && g.GroupChannels == 1;

    /// <summary>
    /// Copies the filter columns of each group into a contiguous (Patch, O / G) matrix, groups one after another:
    /// the GEMM reads row-major matrices without a leading dimension.
    /// </summary>
    private static T[] PackGroupFilters<T>(ReadOnlySpan<T> w, in Window2D g, int outChannels)
        where T : unmanaged
    {
        int perGroup = outChannels / g.Groups;
        T[] packed = ArrayPool<T>.Shared.Rent(g.Patch * outChannels);
        for (int group = 0; group < g.Groups; group++)
        {
            CopyColumns(w, outChannels, group * perGroup, packed.AsSpan(group * g.Patch * perGroup, g.Patch * perGroup), perGroup, 0, g.Patch, perGroup);
        }

        return packed;
    }

    private static ReadOnlySpan<T> GroupFilter<T>(T[] packed, in Window2D g, int perGroup, int group) =>
        packed.AsSpan(group * g.Patch * perGroup, g.Patch * perGroup);

    /// <summary>Copies a block of <paramref name="rows"/> × <paramref name="width"/> between two row-major matrices.</summary>
    private static void CopyColumns<T>(ReadOnlySpan<T> source, int sourceStride, int sourceOffset, Span<T> target, int targetStride, int targetOffset, int rows, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            source.Slice((r * sourceStride) + sourceOffset, width).CopyTo(target.Slice((r * targetStride) + targetOffset, width));
        }
    }

    private static void ReturnAll<T>(T[] first, T[]? second, T[]? third)
    {
        ArrayPool<T>.Shared.Return(first);
        if (second is not null)
        {
            ArrayPool<T>.Shared.Return(second);
        }

        if (third is not null)
        {
            ArrayPool<T>.Shared.Return(third);
        }
    }
}
