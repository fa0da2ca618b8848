using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;
namespace Nabla.Keras;

/// <summary>
/// The layer behind <see cref="Keras.Input"/> (Keras's <c>InputLayer</c>): it has no weights and makes one Keras
/// tensor, the model input of its shape (batch dimension first, unknown unless given) and dtype. A functional model
/// lists it among its layers, as Keras does.
/// </summary>
public class InputLayer : Layer
{
    /// <summary>Creates the input layer and its Keras tensor (<see cref="Output"/>).</summary>
    /// <param name="shape">The shape of one sample, without the batch dimension; a null dimension is unknown (a variable length).</param>
    /// <param name="dtype">The dtype of the input; float32 by default.</param>
    /// <param name="name">The layer's name, also the input's name; <c>input_layer</c>, <c>input_layer_1</c>... by default.</param>
    /// <param name="batchSize">The batch size, when it is fixed; unknown (<c>None</c>) by default.</param>
    /// <exception cref="ArgumentException">When a dimension or the batch size is negative.</exception>
    public InputLayer(int?[] shape, DType? dtype = null, string? name = null, int? batchSize = null)
        : base(name ?? Backend.UniqueName("input_layer"), dtype: dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (batchSize is < 0)
        {
            throw new ArgumentException($"InputLayer {Name}: batchSize must be non-negative, got {batchSize}.", nameof(batchSize));
        }

        Shape batchShape = Shape.Partial([batchSize, .. shape]);
        var node = new Node(this, [], static (inputs, _) => [.. inputs]);
        Output = KerasTensors.MakeOutputs(node, [new TensorSpec(batchShape, DType)])[0];
        EnsureBuilt(batchShape);
    }

    /// <summary>The input's Keras tensor.</summary>
    public Tensor Output { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["batch_shape"] = KerasConfig.Shape(Output.Shape.ToNullableArray()),
        ["dtype"] = DType.Name,
        ["sparse"] = false,
        ["name"] = Name,
    };
}

public static partial class Keras
{
    /// <summary>
    /// A model input (Keras's <c>keras.Input</c>): a symbolic Keras tensor of shape (batch, ...<paramref name="shape"/>)
    /// with an unknown batch dimension. Applying layers to it builds a graph of layers; <c>new Model(inputs, outputs)</c>
    /// turns the graph into a model. It has no values: reading them throws.
    /// </summary>
    /// <param name="shape">The shape of one sample, without the batch dimension; a null dimension is unknown (<c>[null, 8]</c>: sequences of any length).</param>
    /// <param name="dtype">The dtype; float32 by default.</param>
    /// <param name="name">The input's name (its <see cref="InputLayer"/>'s); <c>input_layer</c>... by default.</param>
    /// <param name="batchSize">The batch size, when it is fixed.</param>
    public static Tensor Input(int?[] shape, DType? dtype = null, string? name = null, int? batchSize = null) =>
        new InputLayer(shape, dtype, name, batchSize).Output;
}
