namespace Nabla.Keras.Optimizers;

public abstract partial class Optimizer
{
    // At most this many variable lists keep a traced update (a GAN's two models, a fine-tuned subset...).
    private const int MaxTracedUpdates = 8;

    private readonly List<(Variable[] Variables, PolymorphicFunction<Action<Tensor[]>> Update)> _tracedUpdates = [];

    /// <summary>
    /// Runs an eager <c>ApplyGradients</c> of a built-in optimizer as a traced function (one per list of variables).
    /// Written op by op, Adam's update makes a dozen temporaries the size of each weight every step (1,875 steps of
    /// 5.5 MB per epoch of TensorFlow's quickstart), and arrays of 85,000 bytes or more live on the large-object heap
    /// until a gen-2 collection: without the GC settings of Nabla's package, eager training spent most of its time
    /// collecting. The traced update reuses its buffers and writes the moments in place, so it allocates only each
    /// weight's new value. The numbers are the same ops on the same values. Subclasses from outside this assembly
    /// keep the eager path: their update may do what a trace cannot (read values, branch on them).
    /// </summary>
    private bool TryUpdateTraced(List<Tensor> gradients, List<Variable> variables)
    {
        if (!Tf.ExecutingEagerly() || variables.Count == 0 || GetType().Assembly != typeof(Optimizer).Assembly)
        {
            return false;
        }

        PrepareTracedStep();
        TracedUpdate(variables).Invoke([.. gradients]);
        return true;
    }

    private PolymorphicFunction<Action<Tensor[]>> TracedUpdate(List<Variable> variables)
    {
        foreach ((Variable[] known, PolymorphicFunction<Action<Tensor[]>> update) in _tracedUpdates)
        {
            if (known.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(variables)))
            {
                return update;
            }
        }

        if (_tracedUpdates.Count == MaxTracedUpdates)
        {
            _tracedUpdates.RemoveAt(0);
        }

        Variable[] captured = [.. variables];
        var function = Tf.Function((Tensor[] gradients) => UpdateAll([.. gradients], captured), name: Name + "_apply_gradients");
        _tracedUpdates.Add((captured, function));
        return function;
    }
}
