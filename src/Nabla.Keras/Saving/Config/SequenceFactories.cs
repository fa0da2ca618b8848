using System.Text.Json.Nodes;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// Keras's <c>from_config</c> for the recurrent layers, their wrappers (<c>Bidirectional</c>, <c>TimeDistributed</c>,
/// whose configs hold the wrapped layers serialized) and the attention layers (see <see cref="LayerFactories"/>).
/// </summary>
internal static class SequenceFactories
{
    public static readonly Dictionary<string, Func<JsonObject, Layer>> All = new(StringComparer.Ordinal)
    {
        ["SimpleRNN"] = c => new SimpleRNN(Units(c, "SimpleRNN"), ActivationOf(c["activation"]) ?? "tanh", Optional(c, "use_bias", true),
            InitializerOf(c["kernel_initializer"]), InitializerOf(c["recurrent_initializer"]), InitializerOf(c["bias_initializer"]),
            RegularizerOf(c["kernel_regularizer"]), RegularizerOf(c["recurrent_regularizer"]), RegularizerOf(c["bias_regularizer"]),
            RegularizerOf(c["activity_regularizer"]), Dropout(c, "SimpleRNN"), ConvolutionAndShapeFactories.SeedOf(c), Optional(c, "return_sequences", false),
            Optional(c, "return_state", false), Optional(c, "go_backwards", false), Optional(c, "stateful", false), name: NameOf(c), dtype: DTypeOf(c)),
        ["LSTM"] = c => new LSTM(Units(c, "LSTM"), ActivationOf(c["activation"]) ?? "tanh", ActivationOf(c["recurrent_activation"]) ?? "sigmoid",
            Optional(c, "use_bias", true), InitializerOf(c["kernel_initializer"]), InitializerOf(c["recurrent_initializer"]),
            InitializerOf(c["bias_initializer"]), Optional(c, "unit_forget_bias", true), RegularizerOf(c["kernel_regularizer"]),
            RegularizerOf(c["recurrent_regularizer"]), RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]),
            Dropout(c, "LSTM"), ConvolutionAndShapeFactories.SeedOf(c), Optional(c, "return_sequences", false), Optional(c, "return_state", false),
            Optional(c, "go_backwards", false), Optional(c, "stateful", false), name: NameOf(c), dtype: DTypeOf(c)),
        ["GRU"] = c => new GRU(Units(c, "GRU"), ActivationOf(c["activation"]) ?? "tanh", ActivationOf(c["recurrent_activation"]) ?? "sigmoid",
            Optional(c, "use_bias", true), InitializerOf(c["kernel_initializer"]), InitializerOf(c["recurrent_initializer"]),
            InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]), RegularizerOf(c["recurrent_regularizer"]),
            RegularizerOf(c["bias_regularizer"]), RegularizerOf(c["activity_regularizer"]), Dropout(c, "GRU"), ConvolutionAndShapeFactories.SeedOf(c),
            Optional(c, "return_sequences", false), Optional(c, "return_state", false), Optional(c, "go_backwards", false), Optional(c, "stateful", false),
            Optional(c, "reset_after", true), name: NameOf(c), dtype: DTypeOf(c)),
        ["Bidirectional"] = c => new Bidirectional(Recurrent(c["layer"], "Bidirectional's layer"), Optional<string?>(c, "merge_mode", null),
            c["backward_layer"] is { } backward ? Recurrent(backward, "Bidirectional's backward_layer") : null, name: NameOf(c)),
        ["TimeDistributed"] = c => new TimeDistributed(Wrapped(c["layer"], "TimeDistributed's layer"), name: NameOf(c)),
        ["EinsumDense"] = c => new EinsumDense(Get<string>(c, "equation", "EinsumDense"),
            c["output_shape"] is JsonValue single ? [single.GetValue<int>()] : ShapeOf(c["output_shape"], "EinsumDense's output_shape"),
            ActivationOf(c["activation"]), Optional<string?>(c, "bias_axes", null), InitializerOf(c["kernel_initializer"]),
            InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]), RegularizerOf(c["bias_regularizer"]),
            RegularizerOf(c["activity_regularizer"]), NameOf(c), DTypeOf(c)),
        ["Attention"] = c => new Attention(Optional(c, "use_scale", false), Optional(c, "score_mode", "dot"), Optional(c, "dropout", 0.0),
            ConvolutionAndShapeFactories.SeedOf(c), NameOf(c), DTypeOf(c)),
        ["MultiHeadAttention"] = MultiHeadAttentionOf,
    };

    private static int Units(JsonObject config, string owner) => Get<int>(config, "units", owner);

    // Nabla has no recurrent dropout: a file asking for it is refused rather than run without it.
    private static double Dropout(JsonObject config, string owner) => Optional(config, "recurrent_dropout", 0.0) == 0
        ? Optional(config, "dropout", 0.0)
        : throw Bad($"{owner}'s recurrent_dropout", "is not 0, and Nabla's recurrent layers have no recurrent dropout");

    private static Layer Wrapped(JsonNode? node, string what) =>
        LayerFactories.Create(node as JsonObject ?? throw Bad(what, "is not a serialized layer"));

    private static RecurrentLayer Recurrent(JsonNode? node, string what) =>
        Wrapped(node, what) as RecurrentLayer ?? throw Bad(what, "is not a recurrent layer (SimpleRNN, LSTM or GRU)");

    private static MultiHeadAttention MultiHeadAttentionOf(JsonObject c) => new(
        Get<int>(c, "num_heads", "MultiHeadAttention"), Get<int>(c, "key_dim", "MultiHeadAttention"),
        c["value_dim"] is { } valueDim ? valueDim.GetValue<int>() : null, Optional(c, "dropout", 0.0), Optional(c, "use_bias", true),
        c["output_shape"] is { } output ? IntsOf(output, 1, "MultiHeadAttention's output_shape") : null,
        c["attention_axes"] is { } axes ? IntsOf(axes, 1, "MultiHeadAttention's attention_axes") : null, InitializerOf(c["kernel_initializer"]),
        InitializerOf(c["bias_initializer"]), RegularizerOf(c["kernel_regularizer"]), RegularizerOf(c["bias_regularizer"]),
        RegularizerOf(c["activity_regularizer"]), ConvolutionAndShapeFactories.SeedOf(c), NameOf(c), DTypeOf(c));
}
