using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;
namespace Nabla.Keras;

/// <summary>
/// The shared part of Keras's 1-D and 2-D pooling layers (channels last): window, strides (the window by default),
/// padding.
/// </summary>
public abstract class Pooling : Layer
{
    /// <summary>Creates a 2-D pooling layer.</summary>
    /// <param name="poolSize">The window: one size or (height, width).</param>
    /// <param name="strides">The strides: one value or (height, width); null for the window size.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    protected Pooling(int[] poolSize, int[]? strides, string padding, string? name, DType? dtype = null)
        : this(2, poolSize, strides, padding, name, dtype)
    {
    }

    /// <summary>Creates a pooling layer over <paramref name="spatialRank"/> axes.</summary>
    /// <param name="spatialRank">1 (steps) or 2 (height, width).</param>
    /// <param name="poolSize">The window: one size for every axis or one per axis.</param>
    /// <param name="strides">The strides: one value or one per axis; null for the window size.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    protected Pooling(int spatialRank, int[] poolSize, int[]? strides, string padding, string? name, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        string layer = GetType().Name;
        SpatialRank = spatialRank;
        PoolSize = ConvUtils.Tuple(layer, "poolSize", poolSize, spatialRank);
        Strides = strides is null ? PoolSize : ConvUtils.Tuple(layer, "strides", strides, spatialRank);
        Padding = ConvUtils.Padding(layer, padding);
    }

    /// <summary>The number of pooled axes.</summary>
    public int SpatialRank { get; }

    /// <summary>The window, one size per pooled axis.</summary>
    public int[] PoolSize { get; }

    /// <summary>The strides, one per pooled axis.</summary>
    public int[] Strides { get; }

    /// <summary>The padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Checks a (batch, pooled axes..., channels) input and names the layer on error.</summary>
    protected void RequireNhwc(Tensor inputs) => ConvUtils.RequireRank(this, inputs, SpatialRank);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["pool_size"] = KerasConfig.Ints(PoolSize);
        config["strides"] = KerasConfig.Ints(Strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        return config;
    }
}

/// <summary>2-D max pooling (Keras's <c>MaxPooling2D</c>, <c>Tf.Nn.MaxPool2D</c>).</summary>
/// <param name="poolSize">The window: one size or (height, width); (2, 2) by default.</param>
/// <param name="strides">The strides; the window by default.</param>
/// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="name">The layer's name; <c>max_pooling2d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class MaxPooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? name = null, DType? dtype = null)
    : Pooling(poolSize ?? [2], strides, padding, name, dtype)
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
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class AveragePooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? name = null, DType? dtype = null)
    : Pooling(poolSize ?? [2], strides, padding, name, dtype)
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        RequireNhwc(inputs);
        return Tf.Nn.AvgPool2D(inputs, PoolSize, Strides, Padding);
    }
}

/// <summary>1-D max pooling over (batch, steps, channels) (Keras's <c>MaxPooling1D</c>, <c>Tf.Nn.MaxPool1D</c>).</summary>
/// <param name="poolSize">The window; 2 by default.</param>
/// <param name="strides">The stride; the window by default.</param>
/// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="name">The layer's name; <c>max_pooling1d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, DType? dtype = null)
    : Pooling(1, [poolSize], strides is { } s ? [s] : null, padding, name, dtype)
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        RequireNhwc(inputs);
        return Tf.Nn.MaxPool1D(inputs, PoolSize, Strides, Padding);
    }
}

/// <summary>
/// 1-D average pooling over (batch, steps, channels) (Keras's <c>AveragePooling1D</c>, <c>Tf.Nn.AvgPool1D</c>; SAME
/// averages valid elements only).
/// </summary>
/// <param name="poolSize">The window; 2 by default.</param>
/// <param name="strides">The stride; the window by default.</param>
/// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="name">The layer's name; <c>average_pooling1d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null, DType? dtype = null)
    : Pooling(1, [poolSize], strides is { } s ? [s] : null, padding, name, dtype)
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        RequireNhwc(inputs);
        return Tf.Nn.AvgPool1D(inputs, PoolSize, Strides, Padding);
    }
}

/// <summary>The shared part of Keras's global pooling layers: a reduction over every axis between the batch and the channels.</summary>
public abstract class GlobalPooling : Layer
{
    private readonly int[] _axes;

    /// <summary>Creates the layer.</summary>
    /// <param name="spatialRank">The number of reduced axes (1: steps; 2: height and width).</param>
    /// <param name="keepDims">Whether to keep the reduced axes as size-1 axes.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    protected GlobalPooling(int spatialRank, bool keepDims, string? name, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        SpatialRank = spatialRank;
        KeepDims = keepDims;
        _axes = [.. Enumerable.Range(1, spatialRank)];
    }

    /// <summary>The number of reduced axes.</summary>
    public int SpatialRank { get; }

    /// <summary>Whether the reduced axes are kept as size-1 axes.</summary>
    public bool KeepDims { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ConvUtils.RequireRank(this, inputs, SpatialRank);
        return Reduce(inputs, _axes, KeepDims);
    }

    /// <summary>The reduction (<c>Tf.ReduceMean</c>, <c>Tf.ReduceMax</c>).</summary>
    /// <param name="inputs">The checked inputs.</param>
    /// <param name="axes">The reduced axes.</param>
    /// <param name="keepDims">Whether to keep them as size-1 axes.</param>
    protected abstract Tensor Reduce(Tensor inputs, int[] axes, bool keepDims);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["data_format"] = "channels_last";
        config["keepdims"] = KeepDims;
        return config;
    }
}

/// <summary>The mean over height and width of each channel (Keras's <c>GlobalAveragePooling2D</c>): (batch, channels).</summary>
/// <param name="keepDims">Whether to keep height and width as size-1 axes.</param>
/// <param name="name">The layer's name; <c>global_average_pooling2d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class GlobalAveragePooling2D(bool keepDims = false, string? name = null, DType? dtype = null)
    : GlobalPooling(2, keepDims, name, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Reduce(Tensor inputs, int[] axes, bool keepDims) => Tf.ReduceMean(inputs, axes, keepDims);
}

/// <summary>The maximum over height and width of each channel (Keras's <c>GlobalMaxPooling2D</c>): (batch, channels).</summary>
/// <param name="keepDims">Whether to keep height and width as size-1 axes.</param>
/// <param name="name">The layer's name; <c>global_max_pooling2d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class GlobalMaxPooling2D(bool keepDims = false, string? name = null, DType? dtype = null)
    : GlobalPooling(2, keepDims, name, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Reduce(Tensor inputs, int[] axes, bool keepDims) => Tf.ReduceMax(inputs, axes, keepDims);
}

/// <summary>
/// The mean over the steps of each channel (Keras's <c>GlobalAveragePooling1D</c>): (batch, channels). With a Keras
/// mask on the inputs (an <see cref="Embedding"/> with <c>maskZero</c>, <see cref="Masking"/>) it is the mean over the
/// unmasked steps only, as Keras computes it (a sample with every step masked gives 0 / 0); the output has no mask.
/// </summary>
public class GlobalAveragePooling1D : GlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepDims">Whether to keep the steps axis with size 1.</param>
    /// <param name="name">The layer's name; <c>global_average_pooling1d</c>... by default.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public GlobalAveragePooling1D(bool keepDims = false, string? name = null, DType? dtype = null)
        : base(1, keepDims, name, dtype)
    {
        SupportsMasking = true;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        if (mask is null)
        {
            return Call(inputs, training);
        }

        ConvUtils.RequireRank(this, inputs, 1);
        if (mask.Rank != 2 || mask.Shape[0] != inputs.Shape[0] || mask.Shape[1] != inputs.Shape[1])
        {
            throw new ArgumentException(
                $"GlobalAveragePooling1D {Name}: the mask has shape {mask.Shape}; expected (batch, steps) of the inputs {inputs.Shape}.", nameof(mask));
        }

        Tensor weights = Tf.ExpandDims(Tf.Cast(mask, inputs.DType), 2);
        return Tf.ReduceSum(inputs * weights, 1, KeepDims) / Tf.ReduceSum(weights, 1, KeepDims);
    }

    /// <summary>No mask: the steps axis is reduced away.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => null;

    /// <inheritdoc/>
    protected override Tensor Reduce(Tensor inputs, int[] axes, bool keepDims) => Tf.ReduceMean(inputs, axes, keepDims);
}

/// <summary>The maximum over the steps of each channel (Keras's <c>GlobalMaxPooling1D</c>): (batch, channels).</summary>
/// <param name="keepDims">Whether to keep the steps axis with size 1.</param>
/// <param name="name">The layer's name; <c>global_max_pooling1d</c>... by default.</param>
/// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
public class GlobalMaxPooling1D(bool keepDims = false, string? name = null, DType? dtype = null)
    : GlobalPooling(1, keepDims, name, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Reduce(Tensor inputs, int[] axes, bool keepDims) => Tf.ReduceMax(inputs, axes, keepDims);
}
