using System.Text.RegularExpressions;
using Nabla.Keras.Saving;

namespace Nabla.Keras;

/// <summary>
/// Keras's <c>save_weights</c> / <c>load_weights</c> for any <see cref="Layer"/> or <see cref="Model"/>, in the
/// safetensors format. Weights are keyed by where they sit in the model's structure, as Keras 3 keys them: the nested
/// layers' class names numbered among siblings, then the weight's name (<c>dense/kernel</c>, <c>dense_1/bias</c>), so a
/// second, identically built model loads the file in the same process even though its layers were named
/// <c>dense_2</c> and <c>dense_3</c>. Names given explicitly are written beside the weights and checked on load.
/// Other tools (Python's <c>safetensors</c>) read the file as a plain name → tensor map.
/// </summary>
public static partial class WeightsFile
{
    private const string KeysEntry = "keys";
    private const string StructureKeys = "structure";
    private const string GivenNamePrefix = "layer:";

    /// <summary>
    /// Writes the values of <paramref name="layer"/>'s <see cref="Layer.Variables"/> to <paramref name="path"/>: in Keras 3's HDF5
    /// layout when the name ends in <c>.weights.h5</c> (a compiled model's optimizer state included, as Keras), safetensors otherwise.
    /// The file is written beside the target and renamed over it: a crash never leaves half a file.
    /// </summary>
    /// <exception cref="ArgumentException">When two variables of one layer would get the same key.</exception>
    public static void SaveWeights(this Layer layer, string path)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            KerasWeightsH5.Save(layer, path);   // Keras 3's HDF5 layout
            return;
        }

        WeightPaths paths = WeightPaths.Of(layer);
        IReadOnlyList<Variable> variables = layer.Variables;
        var tensors = new List<KeyValuePair<string, Tensor>>(variables.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Variable variable in variables)
        {
            string key = paths.KeyOf(variable);
            if (!seen.Add(key))
            {
                throw new ArgumentException(
                    $"SaveWeights '{path}': two variables of {layer.Name} get the key '{key}'; rename one of them.", nameof(layer));
            }

            tensors.Add(new(key, variable.ReadValue()));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "nabla.keras",
            ["model"] = layer.Name,
            [KeysEntry] = StructureKeys,
        };
        foreach ((string layerPath, string name) in paths.GivenNames)
        {
            metadata[GivenNamePrefix + layerPath] = name;
        }

        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Assigns the values saved by <see cref="SaveWeights"/> to <paramref name="layer"/>'s variables (a name ending in <c>.h5</c>
    /// reads Keras 3's <c>.weights.h5</c> or Keras 2's legacy HDF5 layout), matched by their
    /// place in the structure (a file written by another tool, or before structural keys, is matched by variable name).
    /// The whole file is validated first (its structure, every key, shape and dtype, and the names given explicitly on
    /// both sides): when anything is wrong nothing is assigned.
    /// </summary>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is corrupt.</exception>
    /// <exception cref="ArgumentException">When the file's weights do not match the variables.</exception>
    public static void LoadWeights(this Layer layer, string path)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
        {
            KerasWeightsH5.Load(layer, path);   // Keras 3's .weights.h5, or Keras 2's legacy .h5 layout
            return;
        }

        using SafeTensorsReader file = SafeTensorsReader.Open(path); // the header is validated before any data is read
        SafeTensorsHeader header = file.Header;
        IReadOnlyList<Variable> variables = layer.Variables;
        if (variables.Count == 0 && header.Entries.Count > 0)
        {
            throw new ArgumentException(
                $"LoadWeights '{path}': {layer.Name} has no variables yet, so there is nothing to load the file's {header.Entries.Count} weights into. " +
                "Build the model first: give its first layer an inputShape, or call it on a batch.", nameof(layer));
        }

        bool structural = header.Metadata.TryGetValue(KeysEntry, out string? keys) && keys == StructureKeys;
        WeightPaths? paths = structural ? WeightPaths.Of(layer) : null;
        string[] expected = new string[variables.Count];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = paths?.KeyOf(variables[i]) ?? Key(variables[i]);
        }

        Dictionary<string, SafeTensorsEntry> entries = Match(layer, path, header, variables, expected, structural);
        if (paths is not null)
        {
            CheckGivenNames(layer, path, header, paths);
        }

        // Decode everything before assigning anything: a bad value (a BOOL byte other than 0 or 1) leaves the weights untouched.
        var values = new Tensor[variables.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = file.Decode(entries[expected[i]]);
        }

        for (int i = 0; i < values.Length; i++)
        {
            variables[i].Assign(values[i]);
        }
    }

    /// <summary>The key of a variable in a file keyed by name: its name without TensorFlow's <c>:0</c> suffix.</summary>
    public static string Key(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string name = variable.Name;
        return name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
    }

    // The file's entry for each expected key, after checking that the keys, shapes and dtypes match one to one.
    private static Dictionary<string, SafeTensorsEntry> Match(
        Layer layer, string path, SafeTensorsHeader header, IReadOnlyList<Variable> variables, string[] expected, bool structural)
    {
        var entries = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            entries[entry.Name] = entry;
        }

        var missing = new List<string>();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < expected.Length; i++)
        {
            string key = expected[i];
            if (!entries.ContainsKey(key))
            {
                missing.Add(key);
                continue;
            }

            if (!matched.Add(key))
            {
                throw new ArgumentException($"LoadWeights '{path}': two variables of {layer.Name} are named '{key}'; this file matches weights by name.", nameof(layer));
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
            string how = structural
                ? "Weights are matched by the model's structure (layer classes in order, then weight names): build the model as the saved one was."
                : "This file is keyed by variable names (it has no structural keys), so the names must match." + ClearSessionHint(missing, extra);
            throw new ArgumentException(
                $"LoadWeights '{path}': the file's tensors do not match the variables of {layer.Name}. " +
                $"Missing from the file: [{string.Join(", ", missing)}]; in the file but not in the model: [{string.Join(", ", extra)}]. {how}",
                nameof(path));
        }

        for (int i = 0; i < expected.Length; i++)
        {
            Variable variable = variables[i];
            SafeTensorsEntry entry = entries[expected[i]];
            if (entry.DType != variable.DType || entry.Shape != variable.Shape)
            {
                throw new ArgumentException(
                    $"LoadWeights '{path}': variable '{expected[i]}' of {layer.Name} expects dtype {variable.DType} ({SafeTensorsHeader.Tag(variable.DType)}) and shape {variable.Shape}, " +
                    $"but the file holds dtype {entry.DType} ({SafeTensorsHeader.Tag(entry.DType)}) and shape {entry.Shape}.",
                    nameof(path));
            }
        }

        return entries;
    }

    // Layers named explicitly on both sides must carry the same names: structure alone cannot tell an "encoder" from a "decoder".
    private static void CheckGivenNames(Layer layer, string path, SafeTensorsHeader header, WeightPaths paths)
    {
        foreach ((string layerPath, string name) in paths.GivenNames)
        {
            if (header.Metadata.TryGetValue(GivenNamePrefix + layerPath, out string? saved) && saved != name)
            {
                throw new ArgumentException(
                    $"LoadWeights '{path}': the layer at '{layerPath}' of {layer.Name} is named '{name}', but the file's layer there was named '{saved}'. " +
                    "Names given explicitly must match (load into the model those weights belong to, or rename the layer).",
                    nameof(path));
            }
        }
    }

    // When the names differ only in the numbers Keras appends to automatic names (dense_2 against dense), say what helps.
    private static string ClearSessionHint(List<string> missing, List<string> extra)
    {
        static string Strip(string key) => AutomaticNumber().Replace(key, string.Empty);
        List<string> a = [.. missing.Select(Strip).Order(StringComparer.Ordinal)];
        List<string> b = [.. extra.Select(Strip).Order(StringComparer.Ordinal)];
        return a.Count > 0 && a.SequenceEqual(b, StringComparer.Ordinal)
            ? " They differ only in the numbers added to automatic layer names ('dense_2' against 'dense'): call Backend.ClearSession() " +
              "before building the model, build it in the same order as the saved one, or give its layers explicit names."
            : string.Empty;
    }

    // "_<digits>" closing a path segment: the counter of an automatic layer name.
    [GeneratedRegex(@"_\d+(?=/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex AutomaticNumber();
}
