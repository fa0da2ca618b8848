namespace Nabla.Keras.Optimizers;

/// <summary>Optimizers by name, as Keras's <c>keras.optimizers.get("adam")</c>.</summary>
public static class OptimizerRegistry
{
    /// <summary>A new optimizer with Keras's defaults: <c>sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, <c>adagrad</c> (any case).</summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "SGD" => new SGD(),
            "ADAM" => new Adam(),
            "ADAMW" => new AdamW(),
            "RMSPROP" => new RMSprop(),
            "ADAGRAD" => new Adagrad(),
            _ => throw new ArgumentException($"Could not interpret optimizer identifier: '{name}'.", nameof(name)),
        };
    }
}
