using System.Text.Json.Nodes;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// Keras's <c>from_config</c> for the transposed, depthwise and separable convolutions, the reshaping, activation,
/// noise and preprocessing layers: each constructor's arguments read back by their Keras names (see <see cref="LayerFactories"/>).
/// </summary>
internal static class ConvolutionAndShapeFactories
{
    public static readonly Dictionary<string, Func<JsonObject, Layer>> All = new(StringComparer.Ordinal)
    {
        ["Conv2DTranspose"] = c => new Conv2DTranspose(Get<int>(c, "filters", "Conv2DTranspose"), IntsOf(c["kernel_size"], 2, "Conv2DTranspose's kernel_size"),
            IntsOf(c["strides"] ?? 1, 2, "Conv2DTranspose's strides"), Optional(c, "padding", "valid"),
            c["output_padding"] is { } padding ? IntsOf(padding, 2, "Conv2DTranspose's output_padding") : null,
            IntsOf(c["dilation_rate"] ?? 1, 2, "Conv2DTranspose's dilation_rate"), ActivationOf(c["activation"]), Optional(c, "use_bias", true),
            InitializerOf(c["kernel_initializer"]), InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), name: NameOf(c), dtype: DTypeOf(c)),
        ["DepthwiseConv2D"] = c => new DepthwiseConv2D(IntsOf(c["kernel_size"], 2, "DepthwiseConv2D's kernel_size"),
            IntsOf(c["strides"] ?? 1, 2, "DepthwiseConv2D's strides"), Optional(c, "padding", "valid"), Optional(c, "depth_multiplier", 1),
            IntsOf(c["dilation_rate"] ?? 1, 2, "DepthwiseConv2D's dilation_rate"), ActivationOf(c["activation"]), Optional(c, "use_bias", true),
            InitializerOf(c["depthwise_initializer"]), InitializerOf(c["bias_initializer"]), RegularizerOf(c["depthwise_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), name: NameOf(c), dtype: DTypeOf(c)),
        ["SeparableConv2D"] = c => new SeparableConv2D(Get<int>(c, "filters", "SeparableConv2D"), IntsOf(c["kernel_size"], 2, "SeparableConv2D's kernel_size"),
            IntsOf(c["strides"] ?? 1, 2, "SeparableConv2D's strides"), Optional(c, "padding", "valid"),
            IntsOf(c["dilation_rate"] ?? 1, 2, "SeparableConv2D's dilation_rate"), Optional(c, "depth_multiplier", 1), ActivationOf(c["activation"]),
            Optional(c, "use_bias", true), InitializerOf(c["depthwise_initializer"]), InitializerOf(c["pointwise_initializer"]),
            InitializerOf(c["bias_initializer"]), RegularizerOf(c["depthwise_regularizer"]), RegularizerOf(c["pointwise_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), name: NameOf(c), dtype: DTypeOf(c)),
        ["UpSampling2D"] = c => new UpSampling2D(IntsOf(c["size"] ?? 2, 2, "UpSampling2D's size"), Optional(c, "interpolation", "nearest"), NameOf(c), DTypeOf(c)),
        ["ZeroPadding2D"] = c => new ZeroPadding2D(SidesOf(c["padding"] ?? 1, "ZeroPadding2D's padding"), NameOf(c), DTypeOf(c)),
        ["Cropping2D"] = c => new Cropping2D(SidesOf(c["cropping"] ?? 0, "Cropping2D's cropping"), NameOf(c), DTypeOf(c)),
        ["Masking"] = c => new Masking(Optional(c, "mask_value", 0.0), name: NameOf(c), dtype: DTypeOf(c)),
        ["GaussianNoise"] = c => new GaussianNoise(Get<double>(c, "stddev", "GaussianNoise"), SeedOf(c), NameOf(c), DTypeOf(c)),
        ["SpatialDropout1D"] = c => new SpatialDropout1D(Get<double>(c, "rate", "SpatialDropout1D"), SeedOf(c), NameOf(c), DTypeOf(c)),
        ["SpatialDropout2D"] = c => new SpatialDropout2D(Get<double>(c, "rate", "SpatialDropout2D"), SeedOf(c), NameOf(c), DTypeOf(c)),
        ["ReLU"] = c => new ReLU(c["max_value"] is { } max ? max.GetValue<double>() : null, Optional(c, "negative_slope", 0.0), Optional(c, "threshold", 0.0), NameOf(c)),
        ["LeakyReLU"] = c => new LeakyReLU(Optional(c, "negative_slope", c["alpha"] is { } alpha ? alpha.GetValue<double>() : 0.3), NameOf(c)),
        ["ELU"] = c => new ELU(Optional(c, "alpha", 1.0), NameOf(c)),
        ["Softmax"] = c => new Softmax(Optional(c, "axis", -1), NameOf(c)),
        ["PReLU"] = c => new PReLU(InitializerOf(c["alpha_initializer"]), c["shared_axes"] is { } axes ? IntsOf(axes, 1, "PReLU's shared_axes") : null, NameOf(c)),
        ["Rescaling"] = c => new Rescaling(TensorOf(c["scale"], DType.Float32, "Rescaling's scale") ?? throw Bad("Rescaling's scale", "is missing"),
            TensorOf(c["offset"], DType.Float32, "Rescaling's offset"), NameOf(c), DTypeOf(c)),
        ["Normalization"] = c => new Normalization(c["axis"] is { } axis ? IntsOf(axis, 1, "Normalization's axis") : [],
            TensorOf(c["mean"], DType.Float32, "Normalization's mean"), TensorOf(c["variance"], DType.Float32, "Normalization's variance"),
            Optional(c, "invert", false), NameOf(c), DTypeOf(c)),
    };

    /// <summary>A config's optional <c>seed</c>.</summary>
    public static int? SeedOf(JsonObject config) => config["seed"] is { } seed ? seed.GetValue<int>() : null;
}
