using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Saving;

/// <summary>
/// An optimizer's state as Keras 3 saves it (<c>optimizer/vars</c>): <c>0</c> the iteration count (int64 scalar),
/// <c>1</c> the learning rate (float32 scalar), then each kind of slot for every trainable variable of the model, kind by
/// kind in the order Keras's <c>build</c> makes them (Adam: all momentums, then all velocities).
/// </summary>
internal static class OptimizerState
{
    /// <summary>Nabla's slot names for <paramref name="optimizer"/> in Keras's order, each with the value a fresh slot starts at.</summary>
    /// <exception cref="NotSupportedException">For an optimizer class this file layout does not know.</exception>
    public static (string Slot, double Initial)[] SlotKinds(Optimizer optimizer) => optimizer switch
    {
        Adam adam => adam.Amsgrad ? [("m", 0), ("v", 0), ("v_hat", 0)] : [("m", 0), ("v", 0)],
        SGD sgd => sgd.Momentum != 0 ? [("momentum", 0)] : [],
        RMSprop rms => [("velocity", 0), .. rms.Momentum > 0 ? [("momentum", 0.0)] : Array.Empty<(string, double)>(),
            .. rms.Centered ? [("average_gradient", 0.0)] : Array.Empty<(string, double)>()],
        Adagrad adagrad => [("accumulator", adagrad.InitialAccumulatorValue)],
        _ => throw new NotSupportedException(
            $"Saving the state of optimizer {optimizer.GetType().Name} is not supported (Adam, AdamW, SGD, RMSprop and Adagrad are)."),
    };

    /// <summary>The tensors to save, in Keras's order; only the counters when the optimizer has not stepped yet (Keras's unbuilt optimizer).</summary>
    public static List<Tensor> Values(Optimizer optimizer, IReadOnlyList<Variable> trainable)
    {
        var values = new List<Tensor> { optimizer.IterationsVariable.ReadValue(), Tf.Constant((float)optimizer.LearningRate) };
        if (optimizer.Iterations == 0)
        {
            return values;
        }

        foreach ((string slot, double initial) in SlotKinds(optimizer))
        {
            foreach (Variable variable in trainable)
            {
                // A variable that never had a gradient has no slot yet: its state is the slot's starting value.
                values.Add(optimizer.ExistingSlot(variable, slot)?.ReadValue() ?? Tf.Fill(variable.Shape, initial, variable.DType));
            }
        }

        return values;
    }

    /// <summary>The shapes and dtypes <see cref="Values"/> would give for <paramref name="count"/> saved tensors, or null when the count fits neither form.</summary>
    public static List<(Shape Shape, DType DType)>? Expected(Optimizer optimizer, IReadOnlyList<Variable> trainable, int count)
    {
        var expected = new List<(Shape, DType)> { (Shape.Scalar, DType.Int64), (Shape.Scalar, DType.Float32) };
        if (count == 2)
        {
            return expected;
        }

        foreach ((string _, double _) in SlotKinds(optimizer))
        {
            foreach (Variable variable in trainable)
            {
                expected.Add((variable.Shape, variable.DType));
            }
        }

        return expected.Count == count ? expected : null;
    }

    /// <summary>Assigns values checked against <see cref="Expected"/>: the counters, a constant learning rate, then the slots.</summary>
    public static void Assign(Optimizer optimizer, IReadOnlyList<Variable> trainable, IReadOnlyList<Tensor> values)
    {
        optimizer.IterationsVariable.Assign(values[0]);
        if (optimizer.Schedule is null)
        {
            // Keras stores the rate as float32: keep the optimizer's own double when it rounds to the saved value.
            float saved = values[1].Item<float>();
            if ((float)optimizer.LearningRate != saved)
            {
                optimizer.LearningRate = saved;
            }
        }

        int next = 2;
        if (values.Count == 2)
        {
            return;
        }

        foreach ((string slot, double initial) in SlotKinds(optimizer))
        {
            foreach (Variable variable in trainable)
            {
                optimizer.SlotForLoading(variable, slot, initial).Assign(values[next++]);
            }
        }
    }
}
