using System.Globalization;
using Nabla.Keras.Distribute;
using Nabla.Keras.Optimizers;
using Nabla.Keras.Saving;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// The optimizer's part of a <see cref="BackupAndRestore"/> backup: the iteration count, the learning rate and every
/// slot (Adam's moments...) in Keras 3's order (<see cref="OptimizerState"/>), as tensors <c>0</c>, <c>1</c>, ... of a
/// safetensors file beside the weights, so a resumed job continues the same optimizer trajectory.
/// </summary>
internal static class BackupOptimizerState
{
    /// <summary>Whether the optimizer's state can be saved (the built-in optimizers; a user's subclass cannot).</summary>
    public static bool Supported(Optimizer? optimizer)
    {
        if (optimizer is null)
        {
            return false;
        }

        try
        {
            _ = OptimizerState.SlotKinds(optimizer);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Writes the state to <paramref name="path"/> (a temporary name the caller renames).</summary>
    public static void Save(string path, Optimizer optimizer, Model model)
    {
        List<Tensor> values = OptimizerState.Values(optimizer, model.TrainableVariables);
        SafeTensors.Save(path, [.. values.Select((v, i) => KeyValuePair.Create(i.ToString(CultureInfo.InvariantCulture), v))]);
    }

    /// <summary>
    /// Restores the state from <paramref name="path"/> (when not null: the chief or a single worker), then, under a
    /// strategy, gives every worker the chief's counters and slots.
    /// </summary>
    /// <exception cref="InvalidDataException">When the file does not fit the model and optimizer.</exception>
    public static void Restore(string? path, Model model, IDistributionStrategy? strategy)
    {
        Optimizer? optimizer = model.Optimizer;
        if (!Supported(optimizer))
        {
            return;
        }

        IReadOnlyList<Variable> trainable = model.TrainableVariables;
        int count = 0;
        if (path is not null && File.Exists(path))
        {
            List<Tensor> values = [.. SafeTensors.Load(path).OrderBy(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture)).Select(kv => kv.Value)];
            List<(Shape Shape, DType DType)>? expected = OptimizerState.Expected(optimizer!, trainable, values.Count);
            if (expected is null || expected.Where((e, i) => e.Shape != values[i].Shape || e.DType != values[i].DType).Any())
            {
                throw new InvalidDataException(
                    $"BackupAndRestore: the optimizer state in '{path}' ({values.Count} tensors) does not fit {optimizer!.Name} on this model's {trainable.Count} trainable variables.");
            }

            OptimizerState.Assign(optimizer!, trainable, values);
            count = values.Count;
        }

        if (strategy is null)
        {
            return;
        }

        var shared = new Variable(count, name: "backup_and_restore/optimizer_tensors");
        strategy.SynchronizeVariables([shared]);
        var state = new List<Variable> { optimizer!.IterationsVariable };
        if (shared.Item<int>() > 2)
        {
            foreach ((string slot, double initial) in OptimizerState.SlotKinds(optimizer))
            {
                state.AddRange(trainable.Select(variable => optimizer.SlotForLoading(variable, slot, initial)));
            }
        }

        strategy.SynchronizeVariables(state);
    }
}
