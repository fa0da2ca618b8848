using System.Globalization;

namespace Nabla.Keras.Saving;

/// <summary>
/// Where each variable sits in a layer's structure, as Keras 3 keys its weights files: the path of nested layers from
/// the root (excluded), each named after its class and its rank among siblings of that class (<c>dense</c>,
/// <c>dense_1</c>), then the weight's name within its layer (<c>kernel</c>). The path does not depend on the names
/// layers were given automatically (<c>dense_7</c> in a process that built other models first), so a second,
/// identically built model finds its weights. Names given explicitly are kept beside the paths, to be checked.
/// </summary>
internal sealed class WeightPaths
{
    private readonly Dictionary<Variable, string> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _givenNames = new(StringComparer.Ordinal);

    private WeightPaths()
    {
    }

    /// <summary>The explicitly given name of each layer, by its structural path.</summary>
    public IReadOnlyDictionary<string, string> GivenNames => _givenNames;

    /// <summary>The paths of <paramref name="root"/>'s variables and layers.</summary>
    public static WeightPaths Of(Layer root)
    {
        var paths = new WeightPaths();
        paths.Walk(root, string.Empty, new HashSet<Layer>(ReferenceEqualityComparer.Instance));
        return paths;
    }

    /// <summary>The structural key of <paramref name="variable"/> (<c>dense_1/kernel</c>).</summary>
    public string KeyOf(Variable variable) => _keys[variable];

    private void Walk(Layer layer, string prefix, HashSet<Layer> seen)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        (List<Variable> variables, List<Layer> layers) = LayerTracker.Fields(layer);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Variable variable in variables)
        {
            if (!_keys.ContainsKey(variable))
            {
                _keys[variable] = prefix + Unique(used, ShortName(layer, variable));
            }
        }

        var classCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Layer child in layers)
        {
            if (ReferenceEquals(child, layer) || seen.Contains(child))
            {
                continue;
            }

            string path = prefix + Unique(classCounts, Backend.ToSnakeCase(child.GetType().Name));
            if (child.HasExplicitName)
            {
                _givenNames[path] = child.Name;
            }

            Walk(child, path + "/", seen);
        }
    }

    // A weight's name within its layer: AddWeight's "dense_3/kernel:0" is "kernel"; a variable made otherwise keeps its name.
    private static string ShortName(Layer layer, Variable variable)
    {
        string name = WeightsFile.Key(variable);
        string layerPrefix = layer.Name + "/";
        return name.StartsWith(layerPrefix, StringComparison.Ordinal) && name.Length > layerPrefix.Length ? name[layerPrefix.Length..] : name;
    }

    // Keras 3's container naming: the first "dense", then "dense_1", "dense_2"...
    private static string Unique(Dictionary<string, int> used, string name)
    {
        used.TryGetValue(name, out int count);
        used[name] = count + 1;
        return count == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}_{count}");
    }
}
