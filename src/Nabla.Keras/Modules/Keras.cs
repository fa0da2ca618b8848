namespace Nabla.Keras;

/// <summary>
/// Keras's modules, reached with the one <c>using Nabla.Keras;</c>: <c>Keras.Losses.MeanSquaredError()</c> and
/// <c>Keras.Metrics.MeanSquaredError()</c> are told apart by their module, as <c>keras.losses.MeanSquaredError</c> and
/// <c>keras.metrics.MeanSquaredError</c> are in Python, where importing both namespaces
/// (<c>Nabla.Keras.Losses</c> and <c>Nabla.Keras.Metrics</c>) makes the bare name ambiguous. Each module function
/// creates the type of the same name with the same parameters; the types themselves stay in their namespaces.
/// </summary>
public static partial class Keras
{
}
