namespace Nabla.Keras;

/// <summary>The shared part of Keras's 2-D pooling layers (NHWC): window, strides (the window by default), padding.</summary>
public abstract class Pooling : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">The window: one size or (height, width).</param>
    /// <param name="strides">The strides: one value or (height, width); null for the window size.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="name">The layer's name.</param>
    protected Pooling(int[] poolSize, int[]? strides, string padding, string? name)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(poolSize);
        string layer = GetType().Name;
        PoolSize = Pair(layer, "poolSize", poolSize);
        Strides = strides is null ? PoolSize : Pair(layer, "strides", strides);
        Padding = ParsePadding(layer, padding);
    }

    /// <summary>The window (height, width).</summary>
    public int[] PoolSize { get; }

    /// <summary>The strides (height, width).</summary>
    public int[] Strides { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Checks an NHWC input and names the layer on error.</summary>
    protected void RequireNhwc(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != 4)
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: inputs must be rank 4 (batch, height, width, channels), got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }
    }

    /// <summary>Keras's padding names, <c>"valid"</c> and <c>"same"</c> (any case).</summary>
    internal static string ParsePadding(string layer, string padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        string lower = padding.ToUpperInvariant() switch
        {
            "VALID" => "valid",
            "SAME" => "same",
            _ => throw new ArgumentException($"{layer}: padding must be \"valid\" or \"same\", got \"{padding}\".", nameof(padding)),
        };
        return lower;
    }

    private static int[] Pair(string layer, string what, int[] values) => values.Length switch
    {
        1 when values[0] > 0 => [values[0], values[0]],
        2 when values[0] > 0 && values[1] > 0 => [values[0], values[1]],
        _ => throw new ArgumentException($"{layer}: {what} must be one or two positive integers, got [{string.Join(", ", values)}].", what),
    };
}

/// <summary>2-D max pooling (Keras's <c>MaxPooling2D</c>, <c>Tf.Nn.MaxPool2D</c>).</summary>
/// <param name="poolSize">The window: one size or (height, width); (2, 2) by default.</param>
/// <param name="strides">The strides; the window by default.</param>
/// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="name">The layer's name; <c>max_pooling2d</c>... by default.</param>
public class MaxPooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? name = null)
    : Pooling(poolSize ?? [2], strides, padding, name)
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        RequireNhwc(inputs);
        return Tf.Nn.MaxPool2D(inputs, PoolSize, Strides, Padding);
    }
}

/// <summary>2-D average pooling (Keras's <c>AveragePooling2D</c>, <c>Tf.Nn.AvgPool2D</c>; SAME averages valid elements only).</summary>
/// <param name="poolSize">The window: one size or (height, width); (2, 2) by default.</param>
/// <param name="strides">The strides; the window by default.</param>
/// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="name">The layer's name; <c>average_pooling2d</c>... by default.</param>
public class AveragePooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? name = null)
    : Pooling(poolSize ?? [2], strides, padding, name)
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        RequireNhwc(inputs);
        return Tf.Nn.AvgPool2D(inputs, PoolSize, Strides, Padding);
    }
}

/// <summary>The mean over height and width of each channel (Keras's <c>GlobalAveragePooling2D</c>): (batch, channels).</summary>
public class GlobalAveragePooling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Whether to keep height and width as size-1 axes.</param>
    /// <param name="name">The layer's name; <c>global_average_pooling2d</c>... by default.</param>
    public GlobalAveragePooling2D(bool keepDims = false, string? name = null)
        : base(name) => KeepDims = keepDims;

    /// <summary>Whether height and width are kept as size-1 axes.</summary>
    public bool KeepDims { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != 4)
        {
            throw new ArgumentException(
                $"GlobalAveragePooling2D {Name}: inputs must be rank 4 (batch, height, width, channels), got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        return Tf.ReduceMean(inputs, [1, 2], KeepDims);
    }
}
