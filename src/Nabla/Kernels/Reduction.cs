using System.Buffers;

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

    private static void ReducePass<T, TKernel>(ReadOnlySpan<T> x, int outer, int r, int inner, Span<T> y)
        where TKernel : IReduceKernel<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                y[o] = TKernel.ReduceRun(x.Slice(o * r, r));
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            Span<T> accumulator = y.Slice(o * inner, inner);
            ReadOnlySpan<T> block = x.Slice(o * r * inner, r * inner);
            block[..inner].CopyTo(accumulator);
            for (int k = 1; k < r; k++)
            {
                TKernel.Combine(block.Slice(k * inner, inner), accumulator);
            }
        }
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
