using System.Globalization;

namespace Nabla;

/// <summary>
/// The window geometry shared by Conv2D, its two backprop ops and the 2-D pools, in NHWC layout: TensorFlow's
/// output sizes and paddings for SAME (output ceil(in / stride), padding split with the extra element after)
/// and VALID (no padding). A grouped convolution splits the <see cref="Channels"/> into <see cref="Groups"/>
/// runs of <see cref="GroupChannels"/>, each convolved with its own share of the output channels.
/// </summary>
internal readonly record struct Window2D(
    int Batch, int InH, int InW, int Channels, int KH, int KW, int StrideH, int StrideW, int DilH, int DilW,
    int OutH, int OutW, int PadTop, int PadLeft, int Groups = 1)
{
    /// <summary>Input channels per group (all of them for an ungrouped window).</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>Elements of one im2col row (one receptive field of one group): KH · KW · GroupChannels.</summary>
    public int Patch => KH * KW * GroupChannels;

    /// <summary>Output positions per image.</summary>
    public int OutPerImage => OutH * OutW;

    /// <summary>Computes the output size and padding, or throws naming <paramref name="op"/> and <paramref name="context"/>.</summary>
    public static Window2D Create(
        string op, ReadOnlySpan<int> input, int kh, int kw, WindowAttrs attrs, string context, int groups = 1)
    {
        (int oh, int pt) = Axis(op, input[1], kh, attrs.StrideH, attrs.DilH, attrs.Same, "rows", context);
        (int ow, int pl) = Axis(op, input[2], kw, attrs.StrideW, attrs.DilW, attrs.Same, "cols", context);
        return new Window2D(input[0], input[1], input[2], input[3], kh, kw, attrs.StrideH, attrs.StrideW, attrs.DilH, attrs.DilW, oh, ow, pt, pl, groups);
    }

    private static (int Out, int PadBefore) Axis(string op, int size, int k, int stride, int dilation, bool same, string what, string context)
    {
        int effective = ((k - 1) * dilation) + 1;
        if (same)
        {
            int output = (size + stride - 1) / stride;
            int total = Math.Max(((output - 1) * stride) + effective - size, 0);
            return (output, total / 2);
        }

        int span = size - effective + 1;
        if (span < 0)
        {
            throw new ArgumentException(
                $"{op}: computed output size would be negative: input {what} {size}, window {k} (dilated to {effective}), " +
                $"stride {stride}, VALID padding; {context} [Op:{op}].");
        }

        return ((span + stride - 1) / stride, 0);
    }
}

/// <summary>Parsed window attributes: strides, dilations and the padding mode.</summary>
internal readonly record struct WindowAttrs(int StrideH, int StrideW, int DilH, int DilW, bool Same)
{
    /// <summary>TensorFlow's NHWC attributes: strides, dilations and padding ("SAME" or "VALID").</summary>
    public Dictionary<string, object> ToAttributes() => new()
    {
        ["strides"] = new[] { 1, StrideH, StrideW, 1 },
        ["dilations"] = new[] { 1, DilH, DilW, 1 },
        ["padding"] = Same ? "SAME" : "VALID",
    };

    /// <summary>Parses TensorFlow-style strides/dilations (1, 2 or 4 values; 4 as [1, h, w, 1]) and "SAME"/"VALID".</summary>
    public static WindowAttrs Parse(string op, int[] strides, int[]? dilations, string padding, string context)
    {
        (int sh, int sw) = Pair(op, "strides", strides, context);
        (int dh, int dw) = dilations is null ? (1, 1) : Pair(op, "dilations", dilations, context);
        return new WindowAttrs(sh, sw, dh, dw, ParsePadding(op, padding, context));
    }

    /// <summary>Parses a 2-D size argument (ksize, strides, dilations): 1, 2 or 4 positive values.</summary>
    public static (int H, int W) Pair(string op, string name, int[] values, string context)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        (int h, int w) = values.Length switch
        {
            1 => (values[0], values[0]),
            2 => (values[0], values[1]),
            4 when values[0] == 1 && values[3] == 1 => (values[1], values[2]),
            _ => (0, 0),
        };
        if (h <= 0 || w <= 0)
        {
            throw new ArgumentException(
                $"{op}: {name} must be 1, 2 or 4 positive integers (4 as [1, h, w, 1]: no {name} over the batch or depth " +
                $"dimensions), got [{string.Join(", ", values)}]; {context} [Op:{op}].", name);
        }

        return (h, w);
    }

    /// <summary>True for SAME, false for VALID (either case); anything else throws.</summary>
    public static bool ParsePadding(string op, string padding, string context)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.Equals("SAME", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (padding.Equals("VALID", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new ArgumentException(
            $"{op}: padding must be \"SAME\" or \"VALID\", got \"{padding}\"; {context} [Op:{op}].", nameof(padding));
    }

    /// <summary>Throws unless <paramref name="t"/> is a floating rank-4 (NHWC, or HWIO for filters) tensor.</summary>
    public static void RequireNhwc(string op, string name, Tensor t) => RequireLayout(op, name, t, name == "filters" ? "HWIO" : "NHWC");

    /// <summary>Throws unless <paramref name="t"/> is floating with one axis per letter of <paramref name="layout"/> (<c>"NWC"</c>, <c>"HWIO"</c>...).</summary>
    public static void RequireLayout(string op, string name, Tensor t, string layout)
    {
        if (t.Rank != layout.Length)
        {
            throw new ArgumentException(
                $"{op}: {name} must be rank {layout.Length} ({layout}), got shape {t.Shape} ({t.DType}) [Op:{op}].", name);
        }

        DTypeRules.Require(op, t.DType, DTypeSet.Floating, t.Shape);
    }

    /// <summary>Parses a 1-D size argument (stride, dilation, ksize of a 1-D op): 1 positive value, or 3 as [1, w, 1].</summary>
    public static int Single(string op, string name, int[] values, string context)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        int value = values.Length switch
        {
            1 => values[0],
            3 when values[0] == 1 && values[2] == 1 => values[1],
            _ => 0,
        };
        if (value <= 0)
        {
            throw new ArgumentException(
                $"{op}: {name} must be 1 or 3 positive integers (3 as [1, w, 1]: no {name} over the batch or depth " +
                $"dimensions), got [{string.Join(", ", values)}]; {context} [Op:{op}].", name);
        }

        return value;
    }

    /// <summary>Throws unless <paramref name="dy"/> has the convolution's output shape (batch, OutH, OutW, <paramref name="outChannels"/>).</summary>
    public static void RequireOutBackprop(string op, Tensor dy, in Window2D g, int outChannels, string context)
    {
        if (dy.Shape != new Shape(g.Batch, g.OutH, g.OutW, outChannels))
        {
            throw new ArgumentException(
                $"{op}: out_backprop must have shape ({g.Batch}, {g.OutH}, {g.OutW}, {outChannels}); {context} [Op:{op}].");
        }
    }

    /// <summary>Formats an int array as a shape for messages.</summary>
    public static string Format(int[] dims) => "(" + string.Join(", ", Array.ConvertAll(dims, d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}
