using System.Globalization;

namespace Nabla.Keras;

/// <summary>Argument checks and input checks shared by the convolution, pooling and padding layers (Keras's rules and messages).</summary>
internal static class ConvUtils
{
    /// <summary>
    /// Keras's <c>standardize_tuple</c>: one value for every axis or one per axis (<paramref name="rank"/> values),
    /// each positive (non-negative with <paramref name="allowZero"/>).
    /// </summary>
    public static int[] Tuple(string layer, string name, int[] values, int rank, bool allowZero = false)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        string message = $"{layer}: The `{name}` argument must be a tuple of {rank} integers. Received {name}={Format(values)}";
        int[] tuple = values.Length == 1 ? Enumerable.Repeat(values[0], rank).ToArray()
            : values.Length == rank ? (int[])values.Clone()
            : throw new ArgumentException(message + ".", name);
        int[] bad = [.. tuple.Where(v => allowZero ? v < 0 : v <= 0).Distinct()];
        if (bad.Length > 0)
        {
            throw new ArgumentException(
                $"{message}, including values {{{string.Join(", ", bad)}}} that do not satisfy `value {(allowZero ? ">= 0" : "> 0")}`.", name);
        }

        return tuple;
    }

    /// <summary>Keras's <c>standardize_padding</c>: <c>"valid"</c>, <c>"same"</c> and, for 1-D convolutions, <c>"causal"</c> (any case).</summary>
    public static string Padding(string layer, string padding, bool allowCausal = false)
    {
        ArgumentNullException.ThrowIfNull(padding);
        string lower = padding.ToLowerInvariant();
        if (lower is "valid" or "same" || (allowCausal && lower == "causal"))
        {
            return lower;
        }

        string allowed = allowCausal ? "\"valid\", \"same\" or \"causal\"" : "\"valid\" or \"same\"";
        throw new ArgumentException($"{layer}: padding must be {allowed}, got \"{padding}\".", nameof(padding));
    }

    /// <summary>Keras refuses strides and dilation above 1 together in its convolution layers.</summary>
    public static void RequireStridesOrDilation(string layer, int[] strides, int[] dilationRate)
    {
        if (strides.Max() > 1 && dilationRate.Max() > 1)
        {
            throw new ArgumentException(
                $"{layer}: `strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides={Format(strides)} " +
                $"and dilation_rate={Format(dilationRate)}.", nameof(dilationRate));
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is positive, naming the argument as Keras does.</summary>
    public static void RequirePositive(string layer, string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentException(
                $"{layer}: Invalid value for argument `{name}`. Expected a strictly positive value. Received {name}={value}.", name);
        }
    }

    /// <summary>The channel count of an input shape of rank <paramref name="spatialRank"/> + 2 (batch, spatial..., channels).</summary>
    public static int InputChannels(Layer layer, Shape inputShape, int spatialRank)
    {
        if (inputShape.Rank != spatialRank + 2)
        {
            throw new ArgumentException(
                $"{layer.GetType().Name} {layer.Name}: inputs must be rank {spatialRank + 2} ({Layout(spatialRank)}), got shape {inputShape}.", nameof(inputShape));
        }

        return inputShape[inputShape.Rank - 1];
    }

    /// <summary>Throws unless <paramref name="inputs"/> has rank <paramref name="spatialRank"/> + 2 and <paramref name="channels"/> channels.</summary>
    public static void RequireInput(Layer layer, Tensor inputs, int spatialRank, int channels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != spatialRank + 2 || inputs.Shape[inputs.Rank - 1] != channels)
        {
            throw new ArgumentException(
                $"{layer.GetType().Name} {layer.Name}: expected inputs ({Layout(spatialRank)}) with {channels} channels, got shape {inputs.Shape} ({inputs.DType}).",
                nameof(inputs));
        }
    }

    /// <summary>Throws unless <paramref name="inputs"/> has rank <paramref name="spatialRank"/> + 2 (any channel count).</summary>
    public static void RequireRank(Layer layer, Tensor inputs, int spatialRank)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != spatialRank + 2)
        {
            throw new ArgumentException(
                $"{layer.GetType().Name} {layer.Name}: inputs must be rank {spatialRank + 2} ({Layout(spatialRank)}), got shape {inputs.Shape} ({inputs.DType}).",
                nameof(inputs));
        }
    }

    /// <summary>Formats values as a Python tuple: <c>(2, 2)</c>.</summary>
    public static string Format(int[] values) =>
        values.Length == 1 ? $"({values[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Layout(int spatialRank) => spatialRank switch
    {
        1 => "batch, steps, channels",
        2 => "batch, height, width, channels",
        _ => "batch, spatial..., channels",
    };
}
