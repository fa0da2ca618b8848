namespace Nabla.Tests.Ops;

/// <summary>
/// Float64 convolutions and pools written as TensorFlow's documentation states them (sums over windows, one output
/// element at a time), independent of the library's im2col/GEMM and direct kernels. Layouts are NHWC / HWIO.
/// </summary>
internal static class ConvReference
{
    /// <summary>One axis' output size and leading padding (TensorFlow's SAME: ceil(in / stride), extra pad after).</summary>
    public static (int Out, int Pad) Axis(int size, int k, int stride, int dilation, bool same)
    {
        int effective = ((k - 1) * dilation) + 1;
        if (!same)
        {
            return ((size - effective + stride) / stride, 0);
        }

        int output = (size + stride - 1) / stride;
        return (output, Math.Max(((output - 1) * stride) + effective - size, 0) / 2);
    }

    /// <summary>
    /// Grouped 2-D convolution: <c>y[n, i, j, o] = Σ x[n, i·sh - pt + a·dh, j·sw - pl + b·dw, g·Cg + c] · w[a, b, c, o]</c>,
    /// with g = o / (O / G) and G = C / Cg.
    /// </summary>
    public static (double[] Values, int[] Shape) Conv2D(double[] x, int[] xs, double[] w, int[] ws, int sh, int sw, bool same, int dh = 1, int dw = 1)
    {
        (int oh, int pt) = Axis(xs[1], ws[0], sh, dh, same);
        (int ow, int pl) = Axis(xs[2], ws[1], sw, dw, same);
        int cg = ws[2], outC = ws[3], perGroup = outC / (xs[3] / cg);
        var y = new double[xs[0] * oh * ow * outC];
        for (int n = 0; n < xs[0]; n++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int o = 0; o < outC; o++)
                    {
                        double sum = 0;
                        for (int a = 0; a < ws[0]; a++)
                        {
                            for (int b = 0; b < ws[1]; b++)
                            {
                                int ih = (i * sh) - pt + (a * dh), iw = (j * sw) - pl + (b * dw);
                                if (ih < 0 || ih >= xs[1] || iw < 0 || iw >= xs[2])
                                {
                                    continue;
                                }

                                for (int c = 0; c < cg; c++)
                                {
                                    int channel = ((o / perGroup) * cg) + c;
                                    sum += x[(((((n * xs[1]) + ih) * xs[2]) + iw) * xs[3]) + channel] * w[(((((a * ws[1]) + b) * ws[2]) + c) * outC) + o];
                                }
                            }
                        }

                        y[(((((n * oh) + i) * ow) + j) * outC) + o] = sum;
                    }
                }
            }
        }

        return (y, [xs[0], oh, ow, outC]);
    }

    /// <summary>
    /// The transposed convolution as a scatter: every input element <c>dy[n, i, j, o]</c> adds
    /// <c>dy · w[a, b, c, o]</c> onto the output position its window tap (a, b) reads in the forward convolution of an
    /// <paramref name="outputShape"/> tensor.
    /// </summary>
    public static double[] Conv2DTranspose(double[] dy, int[] dys, double[] w, int[] ws, int[] outputShape, int sh, int sw, bool same, int dh = 1, int dw = 1)
    {
        int[] xs = outputShape;
        (_, int pt) = Axis(xs[1], ws[0], sh, dh, same);
        (_, int pl) = Axis(xs[2], ws[1], sw, dw, same);
        int cg = ws[2], outC = ws[3], perGroup = outC / (xs[3] / cg);
        var x = new double[xs[0] * xs[1] * xs[2] * xs[3]];
        for (int n = 0; n < dys[0]; n++)
        {
            for (int i = 0; i < dys[1]; i++)
            {
                for (int j = 0; j < dys[2]; j++)
                {
                    for (int o = 0; o < outC; o++)
                    {
                        double v = dy[(((((n * dys[1]) + i) * dys[2]) + j) * outC) + o];
                        for (int a = 0; a < ws[0]; a++)
                        {
                            for (int b = 0; b < ws[1]; b++)
                            {
                                int ih = (i * sh) - pt + (a * dh), iw = (j * sw) - pl + (b * dw);
                                if (ih < 0 || ih >= xs[1] || iw < 0 || iw >= xs[2])
                                {
                                    continue;
                                }

                                for (int c = 0; c < cg; c++)
                                {
                                    int channel = ((o / perGroup) * cg) + c;
                                    x[(((((n * xs[1]) + ih) * xs[2]) + iw) * xs[3]) + channel] += v * w[(((((a * ws[1]) + b) * ws[2]) + c) * outC) + o];
                                }
                            }
                        }
                    }
                }
            }
        }

        return x;
    }

    /// <summary>TensorFlow's depthwise formula: <c>y[n, i, j, k·M + q] = Σ x[n, s·i + di, s·j + dj, k] · f[di, dj, k, q]</c>.</summary>
    public static (double[] Values, int[] Shape) Depthwise(double[] x, int[] xs, double[] f, int[] fs, int sh, int sw, bool same, int dh = 1, int dw = 1)
    {
        (int oh, int pt) = Axis(xs[1], fs[0], sh, dh, same);
        (int ow, int pl) = Axis(xs[2], fs[1], sw, dw, same);
        int c = xs[3], m = fs[3];
        var y = new double[xs[0] * oh * ow * c * m];
        for (int n = 0; n < xs[0]; n++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int k = 0; k < c; k++)
                    {
                        for (int q = 0; q < m; q++)
                        {
                            double sum = 0;
                            for (int a = 0; a < fs[0]; a++)
                            {
                                for (int b = 0; b < fs[1]; b++)
                                {
                                    int ih = (i * sh) - pt + (a * dh), iw = (j * sw) - pl + (b * dw);
                                    if (ih >= 0 && ih < xs[1] && iw >= 0 && iw < xs[2])
                                    {
                                        sum += x[(((((n * xs[1]) + ih) * xs[2]) + iw) * c) + k] * f[(((((a * fs[1]) + b) * c) + k) * m) + q];
                                    }
                                }
                            }

                            y[(((((((n * oh) + i) * ow) + j) * c) + k) * m) + q] = sum;
                        }
                    }
                }
            }
        }

        return (y, [xs[0], oh, ow, c * m]);
    }

    /// <summary>Max or average (over valid elements) pooling of an NHWC tensor.</summary>
    public static (double[] Values, int[] Shape) Pool(double[] x, int[] xs, int kh, int kw, int sh, int sw, bool same, bool average)
    {
        (int oh, int pt) = Axis(xs[1], kh, sh, 1, same);
        (int ow, int pl) = Axis(xs[2], kw, sw, 1, same);
        var y = new double[xs[0] * oh * ow * xs[3]];
        for (int n = 0; n < xs[0]; n++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int c = 0; c < xs[3]; c++)
                    {
                        double acc = average ? 0 : double.NegativeInfinity;
                        int count = 0;
                        for (int a = 0; a < kh; a++)
                        {
                            for (int b = 0; b < kw; b++)
                            {
                                int ih = (i * sh) - pt + a, iw = (j * sw) - pl + b;
                                if (ih >= 0 && ih < xs[1] && iw >= 0 && iw < xs[2])
                                {
                                    double v = x[(((((n * xs[1]) + ih) * xs[2]) + iw) * xs[3]) + c];
                                    acc = average ? acc + v : Math.Max(acc, v);
                                    count++;
                                }
                            }
                        }

                        y[(((((n * oh) + i) * ow) + j) * xs[3]) + c] = average ? acc / count : acc;
                    }
                }
            }
        }

        return (y, [xs[0], oh, ow, xs[3]]);
    }
}
