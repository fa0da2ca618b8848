using Nabla.Keras.Saving.Hdf5;
using PureHDF;

namespace Nabla.Keras.Saving;

/// <summary>
/// Keras 2's legacy HDF5 weights (<c>model.save_weights("w.h5")</c> in tf.keras 2, and the <c>model_weights</c> group
/// of a whole-model <c>.h5</c>): the root's <c>layer_names</c> attribute lists the layers; each layer's group has a
/// <c>weight_names</c> attribute (<c>dense/kernel:0</c>...) naming its datasets. As Keras 2's
/// <c>load_weights_from_hdf5_group</c>, the layers that have weights are matched in order with the model's layers
/// that have weights, and each layer's weights in order (trainable, then non-trainable).
/// </summary>
internal static class LegacyH5Weights
{
    /// <summary>Whether the file has the legacy layout (a <c>layer_names</c> attribute at the root or in <c>model_weights</c>).</summary>
    public static bool IsLegacy(IH5Group root) =>
        root.AttributeExists("layer_names") || H5Navigation.FindGroup(root, "model_weights") is not null;

    /// <summary>Reads and checks every weight; the assignments run only when all are good.</summary>
    public static List<Action> Plan(Layer layer, IH5Group root, string file)
    {
        IH5Group weights = H5Navigation.FindGroup(root, "model_weights") ?? root;
        string[] layerNames = H5Navigation.StringsAttribute(weights, "layer_names", file);
        var saved = new List<(string Name, IH5Group Group, string[] WeightNames)>();
        foreach (string name in layerNames)
        {
            IH5Group group = H5Navigation.FindGroup(weights, name)
                ?? throw H5Tensors.Invalid(file, $"'layer_names' lists '{name}', but the file has no group of that name");
            string[] weightNames = H5Navigation.StringsAttribute(group, "weight_names", file);
            if (weightNames.Length > 0)
            {
                saved.Add((name, group, weightNames));
            }
        }

        List<Layer> targets = [.. TopLayers(layer).Where(l => l.Variables.Count > 0)];
        if (saved.Count != targets.Count)
        {
            throw new ArgumentException(
                $"LoadWeights '{file}': you are trying to load a weight file containing {saved.Count} layers with weights " +
                $"([{string.Join(", ", saved.Select(s => s.Name))}]) into a model with {targets.Count} layers with weights " +
                $"([{string.Join(", ", targets.Select(t => t.Name))}]).", nameof(file));
        }

        var assignments = new List<Action>();
        for (int i = 0; i < targets.Count; i++)
        {
            IReadOnlyList<Variable> variables = targets[i].Variables;
            (string name, IH5Group group, string[] weightNames) = saved[i];
            if (weightNames.Length != variables.Count)
            {
                throw new ArgumentException(
                    $"LoadWeights '{file}': layer #{i} ({targets[i].Name}) has {variables.Count} weights, but the file's layer '{name}' has {weightNames.Length} " +
                    $"([{string.Join(", ", weightNames)}]).", nameof(file));
            }

            for (int j = 0; j < variables.Count; j++)
            {
                IH5Dataset dataset = H5Navigation.FindDataset(group, weightNames[j])
                    ?? throw H5Tensors.Invalid(file, $"layer '{name}' names the weight '{weightNames[j]}', but the file has no such dataset");
                Variable variable = variables[j];
                Tensor value = KerasWeightsH5.ReadChecked(dataset, variable.Shape, variable.DType, $"layer {targets[i].Name}", file, $"{name}/{weightNames[j]}");
                assignments.Add(() => variable.Assign(value));
            }
        }

        return assignments;
    }

    // Keras 2's model.layers: a model's own layers (input layers have no weights and drop out); a lone layer is its own list.
    private static IReadOnlyList<Layer> TopLayers(Layer layer) => layer is Model ? layer.Layers : [layer];
}
