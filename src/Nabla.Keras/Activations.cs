namespace Nabla.Keras;

/// <summary>Keras's activation functions, looked up by name (<c>"relu"</c>) as <c>tf.keras.activations.get</c>.</summary>
public static class Activations
{
    /// <summary>The activation named <paramref name="name"/>; <c>null</c> or <c>"linear"</c> is the identity.</summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Func<Tensor, Tensor> Get(string? name) => name switch
    {
        null or "linear" => static x => x,
        "relu" => Tf.Nn.Relu,
        "relu6" => Tf.Nn.Relu6,
        "sigmoid" => Tf.Sigmoid,
        "tanh" => Tf.Tanh,
        "softmax" => Softmax,
        "softplus" => Tf.Nn.Softplus,
        "elu" => Tf.Nn.Elu,
        "selu" => Tf.Nn.Selu,
        "gelu" => static x => Tf.Nn.Gelu(x),
        "silu" or "swish" => Tf.Nn.Silu,
        "leaky_relu" => static x => Tf.Nn.LeakyRelu(x),
        "softsign" => Tf.Nn.Softsign,
        "hard_sigmoid" => HardSigmoid,
        "hard_silu" or "hard_swish" => static x => x * HardSigmoid(x),
        "mish" => static x => x * Tf.Tanh(Tf.Nn.Softplus(x)),
        "log_softmax" => static x => Tf.Nn.LogSoftmax(x),
        "exponential" => Tf.Exp,
        _ => throw new ArgumentException($"Unknown activation function: '{name}'.", nameof(name)),
    };

    // Keras's names, canonical one first where two name one function.
    private static readonly string[] s_names =
    [
        "linear", "relu", "relu6", "sigmoid", "tanh", "softmax", "softplus", "elu", "selu", "gelu", "silu", "leaky_relu", "softsign",
        "hard_sigmoid", "hard_silu", "mish", "log_softmax", "exponential",
    ];

    /// <summary>The Keras name of <paramref name="activation"/> when it is one that <see cref="Get"/> returns; otherwise <c>null</c>.</summary>
    public static string? NameOf(Func<Tensor, Tensor> activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        foreach (string name in s_names)
        {
            if (Get(name).Equals(activation))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Softmax over the last axis (<c>Tf.Nn.Softmax</c>).</summary>
    public static Tensor Softmax(Tensor x) => Tf.Nn.Softmax(x);

    /// <summary>Keras 3's hard sigmoid: <c>relu6(x + 3) / 6</c>, 0 below -3 and 1 above 3.</summary>
    public static Tensor HardSigmoid(Tensor x) => Tf.Nn.Relu6(x + 3) / 6;
}
