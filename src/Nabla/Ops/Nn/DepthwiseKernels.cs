using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla;

/// <summary>
/// A convolution whose groups hold one input channel each (depthwise: C groups, M = O / C output channels per input
/// channel) as direct loops: for every output position and every window tap inside the image, one multiply-add over
/// a run of O channels. With a channel multiplier M &gt; 1 the input is first widened so that its channel c repeats M
/// times (channel c·M + m), which lines input, filter row and output runs up channel for channel; the gradient of
/// the input sums the widened gradient back over each run of M.
/// </summary>
internal static class DepthwiseKernels
{
    /// <summary>y[p, c·M + m] = Σ taps x[p', c] · w[tap, c·M + m].</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        y.Clear();
        T[]? wide = Widen(x, g, outChannels);
        var tap = new ForwardTap<T>(wide is null ? x : wide.AsSpan(0, InputRows(g) * outChannels), w, y, outChannels);
        Walk(g, ref tap);
        if (wide is not null)
        {
            ArrayPool<T>.Shared.Return(wide);
        }
    }

    /// <summary>dx[p', c] = Σ taps, m dy[p, c·M + m] · w[tap, c·M + m] (<paramref name="dx"/> cleared by the caller).</summary>
    public static void BackpropInput<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int multiplier = outChannels / g.Channels, inputRows = InputRows(g);
        T[]? wide = multiplier == 1 ? null : ArrayPool<T>.Shared.Rent(inputRows * outChannels);
        Span<T> target = wide is null ? dx : wide.AsSpan(0, inputRows * outChannels);
        target.Clear();
        var tap = new InputTap<T>(w, dy, target, outChannels);
        Walk(g, ref tap);
        if (wide is null)
        {
            return;
        }

        for (int i = 0; i < dx.Length; i++)
        {
            dx[i] = TensorPrimitives.Sum<T>(target.Slice(i * multiplier, multiplier));
        }

        ArrayPool<T>.Shared.Return(wide);
    }

    /// <summary>dw[tap, c·M + m] = Σ positions x[p', c] · dy[p, c·M + m] (<paramref name="dw"/> cleared by the caller).</summary>
    public static void BackpropFilter<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, in Window2D g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? wide = Widen(x, g, outChannels);
        var tap = new FilterTap<T>(wide is null ? x : wide.AsSpan(0, InputRows(g) * outChannels), dy, dw, outChannels);
        Walk(g, ref tap);
        if (wide is not null)
        {
            ArrayPool<T>.Shared.Return(wide);
        }
    }

    private static int InputRows(in Window2D g) => g.Batch * g.InH * g.InW;

    /// <summary>null when M = 1; otherwise a rented copy of x with each channel repeated M times.</summary>
    private static T[]? Widen<T>(ReadOnlySpan<T> x, in Window2D g, int outChannels)
    {
        int channels = g.Channels, multiplier = outChannels / channels;
        if (multiplier == 1)
        {
            return null;
        }

        T[] wide = ArrayPool<T>.Shared.Rent(InputRows(g) * outChannels);
        for (int i = 0; i < x.Length; i++)
        {
            wide.AsSpan(i * multiplier, multiplier).Fill(x[i]);
        }

        return wide;
    }

    /// <summary>
    /// Calls <paramref name="tap"/> for every (output position, input position, window tap) with the input position
    /// inside the image: positions are row indices (of O channels in the output, of C or widened O in the input).
    /// </summary>
    private static void Walk<TTap>(in Window2D g, ref TTap tap)
        where TTap : ITap, allows ref struct
    {
        int outRow = 0;
        for (int n = 0; n < g.Batch; n++)
        {
            int image = n * g.InH;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int ih0 = (oh * g.StrideH) - g.PadTop;
                for (int ow = 0; ow < g.OutW; ow++, outRow++)
                {
                    int iw0 = (ow * g.StrideW) - g.PadLeft;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = ih0 + (kh * g.DilH);
                        if ((uint)ih >= (uint)g.InH)
                        {
                            continue;
                        }

                        int inRowBase = (image + ih) * g.InW;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = iw0 + (kw * g.DilW);
                            if ((uint)iw < (uint)g.InW)
                            {
                                tap.Visit(outRow, inRowBase + iw, (kh * g.KW) + kw);
                            }
                        }
                    }
                }
            }
        }
    }

    private interface ITap
    {
        void Visit(int outRow, int inRow, int tap);
    }

    private ref struct ForwardTap<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, int width) : ITap
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly ReadOnlySpan<T> _w = w;
        private readonly Span<T> _y = y;

        public readonly void Visit(int outRow, int inRow, int tap)
        {
            Span<T> y = _y.Slice(outRow * width, width);
            TensorPrimitives.MultiplyAdd(_x.Slice(inRow * width, width), _w.Slice(tap * width, width), y, y);
        }
    }

    private ref struct InputTap<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, int width) : ITap
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _w = w;
        private readonly ReadOnlySpan<T> _dy = dy;
        private readonly Span<T> _dx = dx;

        public readonly void Visit(int outRow, int inRow, int tap)
        {
            Span<T> dx = _dx.Slice(inRow * width, width);
            TensorPrimitives.MultiplyAdd(_dy.Slice(outRow * width, width), _w.Slice(tap * width, width), dx, dx);
        }
    }

    private ref struct FilterTap<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, int width) : ITap
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly ReadOnlySpan<T> _dy = dy;
        private readonly Span<T> _dw = dw;

        public readonly void Visit(int outRow, int inRow, int tap)
        {
            Span<T> dw = _dw.Slice(tap * width, width);
            TensorPrimitives.MultiplyAdd(_x.Slice(inRow * width, width), _dy.Slice(outRow * width, width), dw, dw);
        }
    }
}
