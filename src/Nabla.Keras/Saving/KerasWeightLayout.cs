using System.Globalization;

namespace Nabla.Keras.Saving;

/// <summary>One saveable's group in a Keras 3 weights file: its path (<c>layers/dense</c>; empty for the model) and its own variables in order.</summary>
/// <param name="Path">The group path without the trailing <c>vars</c>.</param>
/// <param name="Owner">The layer whose variables these are (for messages).</param>
/// <param name="Variables">The variables stored as datasets <c>0</c>, <c>1</c>... of <c>Path/vars</c>.</param>
internal sealed record KerasWeightGroup(string Path, string Owner, IReadOnlyList<Variable> Variables);

/// <summary>
/// Where Keras 3's <c>saving_lib</c> puts each variable of a model: each saveable (the model, each layer) owns a group
/// <c>path/vars</c> holding its own variables as datasets <c>0</c>, <c>1</c>... (trainable ones first, in creation order),
/// and its children follow under their attribute names: a model's layer list is <c>layers</c>, whose items are named
/// after their class, numbered among siblings (<c>layers/dense</c>, <c>layers/dense_1</c>), as <c>_save_container_state</c> does;
/// a layer held alone in an attribute is named after the attribute (<c>Bidirectional</c>'s <c>forward_layer</c>). Nabla's
/// fields stand for Keras's attributes: a field's name without its underscore, in snake case, with a few renamed to the
/// attribute Keras uses (<see cref="AttributeName"/>). A recurrent layer's weights sit in its <c>cell</c>, as Keras's.
/// </summary>
internal static class KerasWeightLayout
{
    // Nabla field names whose Keras attribute has another name (the rest: snake case of the field name).
    private static readonly Dictionary<string, string> s_renamed = new(StringComparer.Ordinal)
    {
        ["functionalLayers"] = "layers",
        ["forward"] = "forward_layer",
        ["backward"] = "backward_layer",
        ["queryDense"] = "_query_dense",
        ["keyDense"] = "_key_dense",
        ["valueDense"] = "_value_dense",
        ["outputDense"] = "_output_dense",
    };

    /// <summary>The groups of <paramref name="root"/> and every layer under it, in Keras's walk order.</summary>
    public static List<KerasWeightGroup> Of(Layer root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var groups = new List<KerasWeightGroup>();
        Walk(root, string.Empty, groups, new HashSet<Layer>(ReferenceEqualityComparer.Instance), new HashSet<Variable>(ReferenceEqualityComparer.Instance));
        return groups;
    }

    /// <summary>Keras's attribute name for a Nabla field: <c>_layers</c> → <c>layers</c>, <c>_queryDense</c> → <c>_query_dense</c>.</summary>
    public static string AttributeName(string field)
    {
        string bare = field.TrimStart('_');
        return s_renamed.TryGetValue(bare, out string? renamed) ? renamed : Backend.ToSnakeCase(bare);
    }

    /// <summary>The path segment of a container's item: its class in snake case, numbered among siblings of that class.</summary>
    public static string ContainerName(Dictionary<string, int> used, Layer item)
    {
        string name = Backend.ToSnakeCase(item.GetType().Name);
        used.TryGetValue(name, out int count);
        used[name] = count + 1;
        return count == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}_{count}");
    }

    private static void Walk(Layer layer, string path, List<KerasWeightGroup> groups, HashSet<Layer> seen, HashSet<Variable> taken)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        List<(string Field, List<Variable> Variables, List<Layer> Layers, bool Single)> fields = LayerTracker.NamedFields(layer);
        var own = new List<Variable>();
        foreach ((_, List<Variable> variables, _, _) in fields)
        {
            foreach (Variable variable in variables)
            {
                if (taken.Add(variable))
                {
                    own.Add(variable);
                }
            }
        }

        // Keras's save_own_variables: _trainable_variables then _non_trainable_variables, each in creation order.
        List<Variable> ordered = [.. own.Where(v => v.Trainable), .. own.Where(v => !v.Trainable)];
        if (layer is RecurrentLayer)
        {
            groups.Add(new KerasWeightGroup(path, layer.Name, []));
            groups.Add(new KerasWeightGroup(Join(path, "cell"), layer.Name, ordered));
        }
        else
        {
            groups.Add(new KerasWeightGroup(path, layer.Name, ordered));
        }

        // Children by attribute: "layers" first (Keras walks a model's layer list first), then by name, private ones last.
        var children = new List<(string Attribute, List<Layer> Layers, bool Container)>();
        foreach ((string field, _, List<Layer> layers, bool single) in fields)
        {
            if (layers.Count > 0)
            {
                children.Add((AttributeName(field), layers, !single));
            }
        }

        children.Sort(static (a, b) => string.CompareOrdinal(SortKey(a.Attribute), SortKey(b.Attribute)));
        foreach ((string attribute, List<Layer> layers, bool container) in children)
        {
            if (!container)
            {
                Walk(layers[0], Join(path, attribute), groups, seen, taken);
                continue;
            }

            var used = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (Layer child in layers)
            {
                if (!ReferenceEquals(child, layer))
                {
                    Walk(child, Join(Join(path, attribute), ContainerName(used, child)), groups, seen, taken);
                }
            }
        }
    }

    private static string SortKey(string attribute) => attribute == "layers" ? string.Empty : attribute.StartsWith('_') ? "~" + attribute : attribute;

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "/" + name;
}
