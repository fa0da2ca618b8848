using System.Runtime.CompilerServices;

namespace Nabla.Keras;

public static partial class Backend
{
    // Keras keeps a tensor's mask in its _keras_mask attribute; tensors here are immutable, so the mask lives in a
    // table keyed by the tensor's identity, which holds it only while the tensor itself is alive.
    private static readonly ConditionalWeakTable<Tensor, Tensor> s_masks = new();

    /// <summary>The mask attached to <paramref name="tensor"/> by the layer that made it (Keras's <c>get_keras_mask</c>), or <c>null</c>.</summary>
    public static Tensor? GetKerasMask(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return s_masks.TryGetValue(tensor, out Tensor? mask) ? mask : null;
    }

    /// <summary>Attaches <paramref name="mask"/> to <paramref name="tensor"/>, or removes its mask when <c>null</c> (Keras's <c>set_keras_mask</c>).</summary>
    public static void SetKerasMask(Tensor tensor, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (mask is null)
        {
            s_masks.Remove(tensor);
        }
        else
        {
            s_masks.AddOrUpdate(tensor, mask);
        }
    }
}
