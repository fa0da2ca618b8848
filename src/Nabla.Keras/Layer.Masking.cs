using System.Diagnostics.CodeAnalysis;

namespace Nabla.Keras;

/// <summary>
/// Masks (Keras's <c>compute_mask</c> and <c>_keras_mask</c>): a layer that knows which time steps of its output are
/// padding (<see cref="Embedding"/> with <c>maskZero</c>, <see cref="Masking"/>) attaches a boolean (batch, time) mask
/// to the output tensor (<see cref="Backend.SetKerasMask"/>). <see cref="Apply(Tensor, bool, Tensor)"/> reads the mask attached to its
/// inputs, hands it to <see cref="Call(Tensor, Tensor, bool)"/>, and, when the layer
/// <see cref="SupportsMasking"/>, attaches <see cref="ComputeMask"/>'s result to the outputs, so the mask travels
/// down a <see cref="Sequential"/> stack (or any chain of <c>Apply</c> calls) with the tensors themselves.
/// </summary>
public abstract partial class Layer
{
    /// <summary>
    /// Whether the layer passes a mask on (Keras's <c>supports_masking</c>): when true, <see cref="Apply(Tensor, bool, Tensor)"/> attaches
    /// <see cref="ComputeMask"/>'s result to the outputs; when false, a mask on the inputs stops here (Keras warns).
    /// Layers that keep the time axis and treat steps independently (Dense, Dropout, Activation, LayerNormalization)
    /// set it.
    /// </summary>
    public bool SupportsMasking { get; protected set; }

    /// <summary>
    /// The mask of the outputs for <paramref name="inputs"/> with mask <paramref name="mask"/> (Keras's
    /// <c>compute_mask</c>); by default the input mask unchanged.
    /// </summary>
    /// <param name="inputs">The inputs of the call.</param>
    /// <param name="mask">Their mask, or <c>null</c>.</param>
    public virtual Tensor? ComputeMask(Tensor inputs, Tensor? mask) => mask;

    /// <summary>
    /// The forward computation with the inputs' mask (Keras's <c>call(inputs, training, mask)</c>); by default ignores
    /// the mask and calls <see cref="Call(Tensor, bool)"/>. Layers that use the mask (recurrent layers) override this.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="mask">A boolean mask of the inputs (false: padding), or <c>null</c>.</param>
    /// <param name="training">Whether the call is for training.</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name for the forward method (layer.call).")]
    public virtual Tensor Call(Tensor inputs, Tensor? mask, bool training) => Call(inputs, training);

    private void AttachOutputMask(Tensor inputs, Tensor outputs, Tensor? mask)
    {
        if (SupportsMasking && Backend.GetKerasMask(outputs) is null && ComputeMask(inputs, mask) is { } outputMask)
        {
            Backend.SetKerasMask(outputs, outputMask);
        }
    }
}
