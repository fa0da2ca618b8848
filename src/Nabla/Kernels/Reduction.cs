using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>An associative reduction: its identity, a horizontal reduce of a run, and an elementwise combine.</summary>
internal interface IReduceKernel<T>
{
    /// <summary>The value of an empty reduction.</summary>
    static abstract T Identity { get; }

    /// <summary>Reduces a contiguous run to one value.</summary>
    static abstract T ReduceRun(ReadOnlySpan<T> x);

    /// <summary><c>accumulator[i] = op(accumulator[i], x[i])</c>.</summary>
    static abstract void Combine(ReadOnlySpan<T> x, Span<T> accumulator);
}

/// <summary>
/// Reduces any set of axes of a contiguous row-major buffer. Adjacent axes of the same kind (kept or reduced) are
/// merged, then each reduced group is removed in one pass shaped [outer, reduced, inner]: with inner = 1 that is a
/// horizontal reduce of contiguous runs, otherwise whole rows are combined elementwise — both span kernels, never
/// per-element index arithmetic. Several non-adjacent reduced groups take several passes (the ops are associative).
/// </summary>
internal static class Reduction
{
    public static void Run<T, TKernel>(ReadOnlySpan<T> source, ReadOnlySpan<int> dims, ReadOnlySpan<bool> reduced, Span<T> destination)
        where TKernel : IReduceKernel<T>
    {
        if (destination.IsEmpty)
        {
            return;
        }

        if (source.IsEmpty)
        {
            destination.Fill(TKernel.Identity);
            return;
        }

        // Every axis longer than 1 reduced (a sum to a scalar, the usual loss and bias gradient): one pass, the
        // one the general path below would make, without building its axis lists.
        bool all = true;
        for (int i = 0; i < dims.Length; i++)
        {
            all &= reduced[i] || dims[i] == 1;
        }

        if (all && source.Length > 1)
        {
            ReducePass<T, TKernel>(source, 1, source.Length, 1, destination);
            return;
        }

        var sizes = new List<int>(dims.Length);
        var kinds = new List<bool>(dims.Length);
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1)
            {
                continue;
            }

            if (kinds.Count > 0 && kinds[^1] == reduced[i])
            {
                sizes[^1] *= dims[i];
            }
            else
            {
                sizes.Add(dims[i]);
                kinds.Add(reduced[i]);
            }
        }

        T[]? scratch = null;
        ReadOnlySpan<T> current = source;
        while (true)
        {
            int g = kinds.LastIndexOf(true);
            if (g < 0)
            {
                current.CopyTo(destination);
                break;
            }

            int outer = Product(sizes, 0, g);
            int r = sizes[g];
            int inner = Product(sizes, g + 1, sizes.Count);
            sizes.RemoveAt(g);
            kinds.RemoveAt(g);
            bool last = !kinds.Contains(true);
            Span<T> target;
            T[]? next = null;
            if (last)
            {
                target = destination;
            }
            else
            {
                next = ArrayPool<T>.Shared.Rent(outer * inner);
                target = next.AsSpan(0, outer * inner);
            }

            ReducePass<T, TKernel>(current, outer, r, inner, target);
            if (scratch is not null)
            {
                ArrayPool<T>.Shared.Return(scratch);
            }

            scratch = next;
            if (last)
            {
                break;
            }

            current = target;
        }

        if (scratch is not null)
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>Runs of at least this many elements are reduced as fixed blocks whose partial results are then combined.</summary>
    public const int BlockLength = 64 * 1024;

    /// <summary>
    /// Reduces one run. Long runs are cut into <see cref="BlockLength"/> blocks (reduced in parallel when the
    /// run is the whole reduction) whose partials are combined in order: the result depends only on the run,
    /// never on the number of threads or their timing.
    /// </summary>
    public static unsafe T ReduceRun<T, TKernel>(ReadOnlySpan<T> x, bool parallel)
        where TKernel : IReduceKernel<T>
    {
        if (x.Length < BlockLength)
        {
            return TKernel.ReduceRun(x);
        }

        int blocks = (x.Length + BlockLength - 1) / BlockLength;
        T[] partials = ArrayPool<T>.Shared.Rent(blocks);
        if (!parallel || ParallelFor.ChunkCount(x.Length) <= 1)
        {
            for (int b = 0; b < blocks; b++)
            {
                partials[b] = TKernel.ReduceRun(Block(x, b));
            }
        }
        else
        {
            fixed (byte* p = &Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(x)))
            {
                ParallelFor.RunItems(blocks, BlockLength, new BlockBody<T, TKernel>((nint)p, x.Length, partials));
            }
        }

        Span<T> accumulator = partials.AsSpan(0, 1);
        for (int b = 1; b < blocks; b++)
        {
            TKernel.Combine(partials.AsSpan(b, 1), accumulator);
        }

        T result = partials[0];
        ArrayPool<T>.Shared.Return(partials);
        return result;
    }

    private static ReadOnlySpan<T> Block<T>(ReadOnlySpan<T> x, int b)
    {
        int start = b * BlockLength;
        return x.Slice(start, Math.Min(BlockLength, x.Length - start));
    }

    private static unsafe Span<T> At<T>(nint pointer, int length) => MemoryMarshal.CreateSpan(ref Unsafe.AsRef<T>((void*)pointer), length);

    // Splits a pass over the cores: over outer rows when there are several, else over blocks of the one run
    // (inner = 1) or over columns (inner > 1). Every output element is computed by the same sequence of kernel
    // calls as on one thread, so results do not depend on the degree of parallelism.
    private static unsafe void ReducePass<T, TKernel>(ReadOnlySpan<T> x, int outer, int r, int inner, Span<T> y)
        where TKernel : IReduceKernel<T>
    {
        long total = (long)outer * r * inner;
        if (ParallelFor.ChunkCount(total) <= 1)
        {
            PassRange<T, TKernel>(x, r, inner, y, 0, outer, 0, inner);
            return;
        }

        if (inner == 1 && outer == 1)
        {
            y[0] = ReduceRun<T, TKernel>(x, parallel: true);
            return;
        }

        fixed (byte* px = &Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(x)))
        fixed (byte* py = &Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(y)))
        {
            var body = new PassBody<T, TKernel>((nint)px, x.Length, (nint)py, y.Length, outer, r, inner);
            if (outer >= 2)
            {
                ParallelFor.RunItems(outer, (long)r * inner, body);
            }
            else
            {
                ParallelFor.RunChunks(inner, ParallelFor.ChunkCount(total), new ColumnBody<T, TKernel>(body));
            }
        }
    }

    // Outer rows [o0, o1), columns [c0, c1) of a pass shaped [outer, r, inner].
    private static void PassRange<T, TKernel>(ReadOnlySpan<T> x, int r, int inner, Span<T> y, int o0, int o1, int c0, int c1)
        where TKernel : IReduceKernel<T>
    {
        if (inner == 1)
        {
            for (int o = o0; o < o1; o++)
            {
                y[o] = ReduceRun<T, TKernel>(x.Slice(o * r, r), parallel: false);
            }

            return;
        }

        int width = c1 - c0;
        for (int o = o0; o < o1; o++)
        {
            Span<T> accumulator = y.Slice((o * inner) + c0, width);
            ReadOnlySpan<T> block = x.Slice(o * r * inner, r * inner);
            block.Slice(c0, width).CopyTo(accumulator);
            for (int k = 1; k < r; k++)
            {
                TKernel.Combine(block.Slice((k * inner) + c0, width), accumulator);
            }
        }
    }

    private readonly struct BlockBody<T, TKernel>(nint x, int length, T[] partials) : IRangeBody
        where TKernel : IReduceKernel<T>
    {
        public void Invoke(int start, int end)
        {
            ReadOnlySpan<T> source = At<T>(x, length);
            for (int b = start; b < end; b++)
            {
                partials[b] = TKernel.ReduceRun(Block(source, b));
            }
        }
    }

    private readonly struct PassBody<T, TKernel>(nint x, int xLength, nint y, int yLength, int outer, int r, int inner) : IRangeBody
        where TKernel : IReduceKernel<T>
    {
        public void Invoke(int start, int end) => Columns(start, end, 0, inner);

        public void Columns(int o0, int o1, int c0, int c1)
            => PassRange<T, TKernel>(At<T>(x, xLength), r, inner, At<T>(y, yLength), o0, o1, c0, c1);

        public int Outer => outer;
    }

    private readonly struct ColumnBody<T, TKernel>(PassBody<T, TKernel> pass) : IRangeBody
        where TKernel : IReduceKernel<T>
    {
        public void Invoke(int start, int end) => pass.Columns(0, pass.Outer, start, end);
    }

    private static int Product(List<int> sizes, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++)
        {
            p *= sizes[i];
        }

        return p;
    }
}
