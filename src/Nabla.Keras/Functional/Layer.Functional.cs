using System.Diagnostics.CodeAnalysis;

namespace Nabla.Keras;

/// <summary>
/// Layers of several inputs and layers on Keras tensors: <see cref="Apply(IReadOnlyList{Tensor}, bool)"/> calls a
/// layer on a list of tensors (merge layers, a model of several inputs); on Keras tensors (from <see cref="Keras.Input"/>)
/// either <c>Apply</c> builds a node of the functional graph instead of computing (<see cref="SymbolicCall"/>).
/// </summary>
public abstract partial class Layer
{
    /// <summary>
    /// Calls the layer on several inputs (Keras's <c>layer([a, b])</c>): merge layers such as <c>Concatenate</c>, or a
    /// model of several inputs. Floating inputs are cast to <see cref="DType"/> as in <see cref="Apply(Tensor, bool, Tensor)"/>.
    /// On Keras tensors it adds a node to the functional graph and returns its Keras tensor.
    /// </summary>
    /// <param name="inputs">The inputs, in the order the layer expects.</param>
    /// <param name="training">Whether the call is for training.</param>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (KerasTensors.AnyKerasTensor(inputs))
        {
            return SymbolicCall.Apply(this, inputs, (xs, t) => [Apply(xs, t)])[0];
        }

        if (inputs.Count == 0)
        {
            throw new ArgumentException($"Layer {Name} ({GetType().Name}) was called on an empty list of inputs.", nameof(inputs));
        }

        var cast = new Tensor[inputs.Count];
        for (int i = 0; i < cast.Length; i++)
        {
            cast[i] = CastInputs(inputs[i]);
        }

        return ApplyCore(cast, training, () => Call(cast, training));
    }

    /// <summary>
    /// The forward computation on several inputs; <see cref="Apply(IReadOnlyList{Tensor}, bool)"/> builds the layer
    /// first (from the first input's shape). By default a list of one tensor calls <see cref="Call(Tensor, bool)"/>,
    /// and a longer list is refused: layers of several inputs (merge layers) override this.
    /// </summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="training">Whether the call is for training.</param>
    /// <exception cref="ArgumentException">When the layer takes one input and the list has several.</exception>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name for the forward method (layer.call).")]
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? Call(inputs[0], training) : throw new ArgumentException(
            $"Layer \"{Name}\" ({GetType().Name}) expects 1 input, but it received {inputs.Count} input tensors.", nameof(inputs));
    }

    // Apply on one tensor: Keras tensors build a node, whose call repeats this Apply on real (or traced) tensors.
    // Masks made by layers (Embedding's maskZero, Masking) travel with the real tensors when the model runs.
    private Tensor? ApplySymbolic(Tensor inputs, bool training, Tensor? mask)
    {
        if (!KerasTensors.IsKerasTensor(inputs))
        {
            return null;
        }

        return mask is null ? SymbolicCall.Apply(this, [inputs], (xs, t) => [Apply(xs[0], t)])[0] : throw new NotSupportedException(
            $"Layer \"{Name}\" ({GetType().Name}): an explicit mask cannot be given with Keras tensors yet; masks made by layers " +
            "(Embedding with maskZero, Masking) reach the next layers by themselves when the model runs.");
    }

    // The shared body of every Apply: build from the first input's shape, call, collect the call-time losses.
    private protected Tensor ApplyCore(IReadOnlyList<Tensor> inputs, bool training, Func<Tensor> call) =>
        CallWithLosses(inputs[0], training, mask: null, _ => call());
}
