using Nabla.Keras.Saving;

namespace Nabla.Keras;

/// <summary>
/// Keras's <c>save_weights</c> / <c>load_weights</c> for any <see cref="Layer"/> or <see cref="Model"/>, in the
/// safetensors format: one tensor per variable, keyed by the variable's name without TensorFlow's <c>:0</c> suffix
/// (<c>dense/kernel</c>), so other tools (Python's <c>safetensors</c>, for one) read the file.
/// </summary>
public static class WeightsFile
{
    /// <summary>
    /// Writes the values of <paramref name="layer"/>'s <see cref="Layer.Variables"/> to <paramref name="path"/> (safetensors).
    /// The file is written beside the target and renamed over it: a crash never leaves half a file.
    /// </summary>
    /// <exception cref="ArgumentException">When two variables share a name (the file is keyed by name).</exception>
    public static void SaveWeights(this Layer layer, string path)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        IReadOnlyList<Variable> variables = layer.Variables;
        var tensors = new List<KeyValuePair<string, Tensor>>(variables.Count);
        var seen = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (Variable variable in variables)
        {
            string key = Key(variable);
            if (!seen.TryAdd(key, variable))
            {
                throw new ArgumentException(
                    $"SaveWeights '{path}': two variables of {layer.Name} are named '{key}'; weights are saved by name, so names must be unique (give the layers distinct names).",
                    nameof(layer));
            }

            tensors.Add(new(key, variable.ReadValue()));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "nabla.keras",
            ["model"] = layer.Name,
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Assigns the values saved by <see cref="SaveWeights"/> to <paramref name="layer"/>'s variables, matched by name.
    /// The whole file is validated first (its structure, then every name, shape and dtype against the variables):
    /// when anything is wrong nothing is assigned.
    /// </summary>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is corrupt.</exception>
    /// <exception cref="ArgumentException">When the file's names, shapes or dtypes do not match the variables.</exception>
    public static void LoadWeights(this Layer layer, string path)
    {
        ArgumentNullException.ThrowIfNull(layer);
        byte[] file = SafeTensors.ReadAll(path);
        SafeTensorsHeader header = SafeTensorsHeader.Parse(file, path);
        IReadOnlyList<Variable> variables = layer.Variables;
        var entries = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            entries[entry.Name] = entry;
        }

        var missing = new List<string>();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (Variable variable in variables)
        {
            string key = Key(variable);
            if (!entries.TryGetValue(key, out SafeTensorsEntry? entry))
            {
                missing.Add(key);
                continue;
            }

            if (!matched.Add(key))
            {
                throw new ArgumentException($"LoadWeights '{path}': two variables of {layer.Name} are named '{key}'; weights are matched by name.", nameof(layer));
            }

            if (entry.DType != variable.DType || entry.Shape != variable.Shape)
            {
                throw new ArgumentException(
                    $"LoadWeights '{path}': variable '{key}' of {layer.Name} expects dtype {variable.DType} ({SafeTensorsHeader.Tag(variable.DType)}) and shape {variable.Shape}, " +
                    $"but the file holds dtype {entry.DType} ({SafeTensorsHeader.Tag(entry.DType)}) and shape {entry.Shape}.",
                    nameof(path));
            }
        }

        var extra = new List<string>();
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            if (!matched.Contains(entry.Name))
            {
                extra.Add(entry.Name);
            }
        }

        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new ArgumentException(
                $"LoadWeights '{path}': the file's tensors do not match the variables of {layer.Name}. " +
                $"Missing from the file: [{string.Join(", ", missing)}]; in the file but not in the model: [{string.Join(", ", extra)}].",
                nameof(path));
        }

        // Decode everything before assigning anything: a bad value (a BOOL byte other than 0 or 1) leaves the weights untouched.
        var values = new Tensor[variables.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = SafeTensors.Decode(file, header, entries[Key(variables[i])], path);
        }

        for (int i = 0; i < values.Length; i++)
        {
            variables[i].Assign(values[i]);
        }
    }

    /// <summary>The key of a variable in a weights file: its name without TensorFlow's <c>:0</c> suffix.</summary>
    public static string Key(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string name = variable.Name;
        return name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
    }
}
