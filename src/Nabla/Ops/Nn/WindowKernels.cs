using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>A windowed kernel over float or double spans (the second input may be empty for one-input ops).</summary>
internal interface IWindowKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>im2col / col2im and the dtype dispatch behind Conv2D, its backprops and the pools.</summary>
internal static class WindowKernels
{
    /// <summary>Upper bound on the elements of one im2col scratch matrix: images are processed in chunks below it.</summary>
    private const int ChunkElements = 1 << 21;

    /// <summary>Runs <paramref name="kernel"/> in the output's dtype through <see cref="DTypeDispatch"/> (float16/bfloat16 compute in float32).</summary>
    public static void Dispatch<TKernel>(TKernel kernel, ReadOnlySpan<Tensor> inputs, Tensor output)
        where TKernel : struct, IWindowKernel
        => DTypeDispatch.Float(new Body<TKernel>(kernel), inputs, output, output.DType);

    /// <summary>How many images fit in one im2col chunk (at least one).</summary>
    public static int ImagesPerChunk(in Window2D g) =>
        Math.Max(1, ChunkElements / Math.Max(1, g.OutPerImage * g.Patch));

    /// <summary>
    /// Writes the receptive fields of images [n0, n0 + count) as rows of <paramref name="cols"/>
    /// (count · OutH · OutW rows of KH · KW · GroupChannels values, zeros where the window hangs over the padding),
    /// reading the channels of <paramref name="group"/> only.
    /// </summary>
    public static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> cols, in Window2D g, int n0, int count, int group = 0)
        where T : unmanaged
    {
        int c = g.GroupChannels, stride = g.Channels, patch = g.Patch, row = 0;
        for (int n = n0; n < n0 + count; n++)
        {
            int image = (n * g.InH * g.InW * stride) + (group * c);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int ih0 = (oh * g.StrideH) - g.PadTop;
                for (int ow = 0; ow < g.OutW; ow++, row++)
                {
                    Span<T> dst = cols.Slice(row * patch, patch);
                    int iw0 = (ow * g.StrideW) - g.PadLeft, at = 0;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = ih0 + (kh * g.DilH);
                        if ((uint)ih >= (uint)g.InH)
                        {
                            dst.Slice(at, g.KW * c).Clear();
                            at += g.KW * c;
                            continue;
                        }

                        for (int kw = 0; kw < g.KW; kw++, at += c)
                        {
                            int iw = iw0 + (kw * g.DilW);
                            if ((uint)iw < (uint)g.InW)
                            {
                                x.Slice(image + (((ih * g.InW) + iw) * stride), c).CopyTo(dst.Slice(at, c));
                            }
                            else
                            {
                                dst.Slice(at, c).Clear();
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each row's values back onto the input positions they came from.</summary>
    public static void Col2ImAdd<T>(ReadOnlySpan<T> cols, Span<T> x, in Window2D g, int n0, int count, int group = 0)
        where T : unmanaged, INumber<T>
    {
        int c = g.GroupChannels, stride = g.Channels, patch = g.Patch, row = 0;
        for (int n = n0; n < n0 + count; n++)
        {
            int image = (n * g.InH * g.InW * stride) + (group * c);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int ih0 = (oh * g.StrideH) - g.PadTop;
                for (int ow = 0; ow < g.OutW; ow++, row++)
                {
                    ReadOnlySpan<T> src = cols.Slice(row * patch, patch);
                    int iw0 = (ow * g.StrideW) - g.PadLeft;
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = ih0 + (kh * g.DilH);
                        if ((uint)ih >= (uint)g.InH)
                        {
                            continue;
                        }

                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = iw0 + (kw * g.DilW);
                            if ((uint)iw < (uint)g.InW)
                            {
                                Span<T> dst = x.Slice(image + (((ih * g.InW) + iw) * stride), c);
                                TensorPrimitives.Add(dst, src.Slice(((kh * g.KW) + kw) * c, c), dst);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>C = op(A) · op(B)</c> with the library's GEMM (float or double).</summary>
    public static void Gemm<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool transposeA, bool transposeB)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Kernels.Gemm.Multiply(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k, transposeA, transposeB);
        }
        else
        {
            Kernels.Gemm.Multiply(MemoryMarshal.Cast<T, double>(a), MemoryMarshal.Cast<T, double>(b), MemoryMarshal.Cast<T, double>(c), m, n, k, transposeA, transposeB);
        }
    }

    private readonly struct Body<TKernel>(TKernel kernel) : IFloatBody
        where TKernel : struct, IWindowKernel
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T>
            => kernel.Run(o.In(0), o.Count > 1 ? o.In(1) : default, o.Out);
    }
}
