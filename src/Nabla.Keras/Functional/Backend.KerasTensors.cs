namespace Nabla.Keras;

public static partial class Backend
{
    /// <summary>
    /// Whether <paramref name="tensor"/> is a Keras tensor (Keras's <c>is_keras_tensor</c>): a symbolic tensor of the
    /// functional API, made by <see cref="Keras.Input"/> or by a layer applied to one.
    /// </summary>
    public static bool IsKerasTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return KerasTensors.IsKerasTensor(tensor);
    }
}
