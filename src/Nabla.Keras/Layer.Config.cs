using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

public abstract partial class Layer
{
    /// <summary>
    /// The layer's configuration as Keras 3 writes it (Keras's <c>get_config</c>): the constructor's arguments by their
    /// Keras names (<c>units</c>, <c>activation</c>, <c>kernel_initializer</c>...), with <c>name</c>, <c>trainable</c> and
    /// <c>dtype</c>. A <c>.keras</c> file stores it as the layer's <c>config</c>; loading passes it to the class's
    /// factory (built-in layers, or one registered with <see cref="Keras.Saving.RegisterKerasSerializable{T}"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">For a layer class that does not override it.</exception>
    public virtual JsonObject GetConfig() => throw new NotSupportedException(
        $"{GetType().Name} '{Name}' cannot be saved in a .keras file: override GetConfig() to return its constructor arguments, " +
        "and register the class with Keras.Saving.RegisterKerasSerializable so that LoadModel can rebuild it.");

    /// <summary>The entries every layer's config has: <c>name</c>, <c>trainable</c> and <c>dtype</c> (a <c>DTypePolicy</c>, as Keras 3).</summary>
    protected JsonObject BaseConfig() => new()
    {
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["dtype"] = KerasConfig.DTypePolicy(DType),
    };

    /// <summary>
    /// Keras's <c>get_build_config</c>: what the layer was built for, so that loading can make its weights before
    /// reading them; <c>{"input_shape": [null, ...]}</c> by default, null when not built.
    /// </summary>
    internal virtual JsonObject? BuildConfig() =>
        BuildInputShape is { } shape ? new JsonObject { ["input_shape"] = KerasConfig.BatchShape(shape) } : null;
}
