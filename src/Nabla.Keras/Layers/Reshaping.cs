using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Repeats each row and column of NHWC images (Keras's <c>UpSampling2D</c>): <c>"nearest"</c> copies every pixel into a
/// (size[0], size[1]) block; <c>"bilinear"</c> interpolates as <c>tf.image.resize</c> does (half-pixel centres, edges
/// clamped), computed as two small interpolation matrices applied along height and width.
/// </summary>
public class UpSampling2D : Layer
{
    private readonly int[] _size;

    /// <summary>Creates the layer.</summary>
    /// <param name="size">The upsampling factors: one for both axes or (height, width); 2 by default.</param>
    /// <param name="interpolation"><c>"nearest"</c> (default) or <c>"bilinear"</c>.</param>
    /// <param name="name">The layer's name; <c>up_sampling2d</c>... by default.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public UpSampling2D(int[]? size = null, string interpolation = "nearest", string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        ArgumentNullException.ThrowIfNull(interpolation);
        _size = ConvUtils.Tuple(nameof(UpSampling2D), "size", size ?? [2], 2);
        Interpolation = interpolation.ToLowerInvariant() is "nearest" or "bilinear" ? interpolation.ToLowerInvariant()
            : throw new ArgumentException(
                $"UpSampling2D: interpolation must be \"nearest\" or \"bilinear\", got \"{interpolation}\".", nameof(interpolation));
    }

    /// <summary>Creates the layer with one factor for both axes.</summary>
    /// <param name="size">The upsampling factor.</param>
    /// <param name="interpolation"><c>"nearest"</c> or <c>"bilinear"</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public UpSampling2D(int size, string interpolation = "nearest", string? name = null, DType? dtype = null)
        : this([size], interpolation, name, dtype)
    {
    }

    /// <summary>The upsampling factors (height, width).</summary>
    public IReadOnlyList<int> Size => _size;

    /// <summary>The interpolation, <c>"nearest"</c> or <c>"bilinear"</c>.</summary>
    public string Interpolation { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ConvUtils.RequireRank(this, inputs, 2);
        int n = inputs.Shape[0], h = inputs.Shape[1], w = inputs.Shape[2], c = inputs.Shape[3];
        if (Interpolation == "nearest")
        {
            // (n, h, 1, w, 1, c) broadcast to (n, h, sh, w, sw, c): every pixel copied into its block; the gradient sums the block.
            Tensor blocks = Tf.BroadcastTo(Tf.Reshape(inputs, [n, h, 1, w, 1, c]), [n, h, _size[0], w, _size[1], c]);
            return Tf.Reshape(blocks, [n, h * _size[0], w * _size[1], c]);
        }

        // Height: (H·sh, H) @ (n, H, W·C); width: (W·sw, W) @ (n, H·sh, W, C), broadcast over the leading axes.
        Tensor rows = Tf.MatMul(Tf.Cast(BilinearWeights(h, _size[0]), inputs.DType), Tf.Reshape(inputs, [n, h, w * c]));
        Tensor columns = Tf.Cast(BilinearWeights(w, _size[1]), inputs.DType);
        return Tf.MatMul(columns, Tf.Reshape(rows, [n, h * _size[0], w, c]));
    }

    /// <summary>
    /// The (size · factor, size) matrix of <c>tf.image.resize</c>'s bilinear weights: output p reads source position
    /// (p + ½) / factor - ½, split between its floor and ceiling, both clamped to the edges.
    /// </summary>
    private static Tensor BilinearWeights(int size, int factor)
    {
        int outSize = size * factor;
        var weights = new double[outSize * size];
        for (int p = 0; p < outSize; p++)
        {
            double source = ((p + 0.5) / factor) - 0.5, floor = Math.Floor(source), fraction = source - floor;
            int lower = Math.Clamp((int)floor, 0, size - 1), upper = Math.Clamp((int)Math.Ceiling(source), 0, size - 1);
            weights[(p * size) + lower] += 1 - fraction;
            weights[(p * size) + upper] += fraction;
        }

        return Tf.Constant(weights, [outSize, size]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["size"] = KerasConfig.Ints(_size);
        config["data_format"] = "channels_last";
        config["interpolation"] = Interpolation;
        return config;
    }
}

/// <summary>
/// Adds rows and columns of zeros around NHWC images (Keras's <c>ZeroPadding2D</c>): (top, bottom) rows and
/// (left, right) columns.
/// </summary>
public class ZeroPadding2D : Layer
{
    /// <summary>Creates the layer with the same padding on every side.</summary>
    /// <param name="padding">Rows and columns added on each side; 1 by default.</param>
    /// <param name="name">The layer's name; <c>zero_padding2d</c>... by default.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public ZeroPadding2D(int padding = 1, string? name = null, DType? dtype = null)
        : this([padding, padding], name, dtype)
    {
    }

    /// <summary>Creates the layer with symmetric padding per axis (Keras's <c>(symmetric_height_pad, symmetric_width_pad)</c>).</summary>
    /// <param name="padding">Two values: the rows added on top and bottom, the columns added left and right.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public ZeroPadding2D(int[] padding, string? name = null, DType? dtype = null)
        : this(Symmetric(nameof(ZeroPadding2D), "padding", padding), name, dtype)
    {
    }

    /// <summary>Creates the layer with Keras's <c>((top, bottom), (left, right))</c>.</summary>
    /// <param name="padding">A 2×2 array: <c>{ { top, bottom }, { left, right } }</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public ZeroPadding2D(int[,] padding, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        Padding = Sides(nameof(ZeroPadding2D), "padding", padding);
    }

    /// <summary>The rows and columns added: (top, bottom, left, right).</summary>
    public (int Top, int Bottom, int Left, int Right) Padding { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ConvUtils.RequireRank(this, inputs, 2);
        (int top, int bottom, int left, int right) = Padding;
        return Tf.Pad(inputs, new[,] { { 0, 0 }, { top, bottom }, { left, right }, { 0, 0 } });
    }

    /// <summary>Two symmetric values as Keras's ((a, a), (b, b)).</summary>
    internal static int[,] Symmetric(string layer, string name, int[] values)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != 2)
        {
            throw new ArgumentException($"{layer}: `{name}` should have two elements. Received: {name}={ConvUtils.Format(values)}.", name);
        }

        return new[,] { { values[0], values[0] }, { values[1], values[1] } };
    }

    /// <summary>Checks a 2×2 array of non-negative sizes and reads it as (top, bottom, left, right).</summary>
    internal static (int Top, int Bottom, int Left, int Right) Sides(string layer, string name, int[,] values)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.GetLength(0) != 2 || values.GetLength(1) != 2 || values.Cast<int>().Any(v => v < 0))
        {
            throw new ArgumentException(
                $"{layer}: `{name}` should have two elements of two non-negative integers each, ((top, bottom), (left, right)). " +
                $"Received: {name}=[{string.Join(", ", values.Cast<int>())}].", name);
        }

        return (values[0, 0], values[0, 1], values[1, 0], values[1, 1]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["padding"] = KerasConfig.Sides(Padding);
        config["data_format"] = "channels_last";
        return config;
    }
}

/// <summary>Removes rows and columns from the edges of NHWC images (Keras's <c>Cropping2D</c>).</summary>
public class Cropping2D : Layer
{
    /// <summary>Creates the layer with the same cropping on every side.</summary>
    /// <param name="cropping">Rows and columns removed on each side; 0 by default.</param>
    /// <param name="name">The layer's name; <c>cropping2d</c>... by default.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public Cropping2D(int cropping = 0, string? name = null, DType? dtype = null)
        : this([cropping, cropping], name, dtype)
    {
    }

    /// <summary>Creates the layer with symmetric cropping per axis.</summary>
    /// <param name="cropping">Two values: the rows removed at top and bottom, the columns removed left and right.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public Cropping2D(int[] cropping, string? name = null, DType? dtype = null)
        : this(ZeroPadding2D.Symmetric(nameof(Cropping2D), "cropping", cropping), name, dtype)
    {
    }

    /// <summary>Creates the layer with Keras's <c>((top, bottom), (left, right))</c>.</summary>
    /// <param name="cropping">A 2×2 array: <c>{ { top, bottom }, { left, right } }</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="dtype">The dtype of the computation (floating inputs are cast to it); float32 by default.</param>
    public Cropping2D(int[,] cropping, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        Cropping = ZeroPadding2D.Sides(nameof(Cropping2D), "cropping", cropping);
    }

    /// <summary>The rows and columns removed: (top, bottom, left, right).</summary>
    public (int Top, int Bottom, int Left, int Right) Cropping { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ConvUtils.RequireRank(this, inputs, 2);
        (int top, int bottom, int left, int right) = Cropping;
        int height = inputs.Shape[1] - top - bottom, width = inputs.Shape[2] - left - right;
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentException(
                $"Cropping2D {Name}: Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. " +
                $"Received: input_shape={inputs.Shape}, cropping=(({top}, {bottom}), ({left}, {right})).", nameof(inputs));
        }

        return Tf.Slice(inputs, [0, top, left, 0], [inputs.Shape[0], height, width, inputs.Shape[3]]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["cropping"] = KerasConfig.Sides(Cropping);
        config["data_format"] = "channels_last";
        return config;
    }
}
