using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Nabla.Keras;

/// <summary>Finds the variables and layers a layer holds, by walking its instance fields at query time.</summary>
internal static class LayerTracker
{
    private const BindingFlags InstanceFields =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly ConcurrentDictionary<Type, FieldInfo[]> s_fields = new();

    /// <summary>
    /// Appends to <paramref name="result"/> the layer's variables that are trainable (or not): its own (fields
    /// order) first, then its nested layers', recursively. A frozen layer's variables are all non-trainable.
    /// </summary>
    public static void Collect(Layer layer, bool trainable, List<Variable> result, HashSet<object> seen, bool frozen = false)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        frozen |= !layer.Trainable;
        var own = new List<Variable>();
        var children = new List<Layer>();
        Walk(layer, own, children);
        foreach (Variable v in own)
        {
            bool isTrainable = v.Trainable && !frozen;
            if (isTrainable == trainable && seen.Add(v))
            {
                result.Add(v);
            }
        }

        foreach (Layer child in children)
        {
            Collect(child, trainable, result, seen, frozen);
        }
    }

    /// <summary>The layers held directly in the layer's fields, in order, without duplicates.</summary>
    public static IReadOnlyList<Layer> DirectLayers(Layer layer)
    {
        var own = new List<Variable>();
        var children = new List<Layer>();
        Walk(layer, own, children);
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var result = new List<Layer>();
        foreach (Layer child in children)
        {
            if (!ReferenceEquals(child, layer) && seen.Add(child))
            {
                result.Add(child);
            }
        }

        return result;
    }

    /// <summary>The variables and layers held in the layer's fields, in field order (duplicates included).</summary>
    public static (List<Variable> Variables, List<Layer> Layers) Fields(Layer layer)
    {
        var variables = new List<Variable>();
        var layers = new List<Layer>();
        Walk(layer, variables, layers);
        return (variables, layers);
    }

    /// <summary>
    /// The layer's fields that hold variables or layers (directly or in collections), by field name, in field order;
    /// <c>Single</c> tells a field holding one layer from a collection of them.
    /// </summary>
    public static List<(string Field, List<Variable> Variables, List<Layer> Layers, bool Single)> NamedFields(Layer layer)
    {
        var result = new List<(string, List<Variable>, List<Layer>, bool)>();
        foreach (FieldInfo field in FieldsOf(layer.GetType()))
        {
            var variables = new List<Variable>();
            var layers = new List<Layer>();
            object? value = field.GetValue(layer);
            AddValue(value, variables, layers, depth: 0);
            if (variables.Count > 0 || layers.Count > 0)
            {
                result.Add((field.Name, variables, layers, value is Layer));
            }
        }

        return result;
    }

    private static void Walk(Layer layer, List<Variable> variables, List<Layer> layers)
    {
        foreach (FieldInfo field in FieldsOf(layer.GetType()))
        {
            AddValue(field.GetValue(layer), variables, layers, depth: 0);
        }
    }

    private static void AddValue(object? value, List<Variable> variables, List<Layer> layers, int depth)
    {
        switch (value)
        {
            case null:
            case string:
                return;
            case Variable v:
                variables.Add(v);
                return;
            case Tensor:
                return;
            case Layer l:
                layers.Add(l);
                return;
            case IDictionary dictionary when depth < 8:
                foreach (object? item in dictionary.Values)
                {
                    AddValue(item, variables, layers, depth + 1);
                }

                return;
            case IEnumerable sequence when depth < 8 && !value.GetType().IsValueType:
                foreach (object? item in sequence)
                {
                    AddValue(item, variables, layers, depth + 1);
                }

                return;
            default:
                return;
        }
    }

    /// <summary>The instance fields of <paramref name="type"/> and its bases: base class fields first, then declaration order.</summary>
    private static FieldInfo[] FieldsOf([DynamicallyAccessedMembers(Layer.TrackedMembers)] Type type) =>
        s_fields.GetOrAdd(type, static t => Compute(t));

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070:UnrecognizedReflectionPattern",
        Justification = "Layer is annotated with DynamicallyAccessedMembers(fields), which the trimmer applies to every subclass; "
            + "each base type walked here is Layer or one of its subclasses, so its fields are kept.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075:UnrecognizedReflectionPattern",
        Justification = "See IL2070: every base type walked is a Layer subclass and keeps its fields.")]
    private static FieldInfo[] Compute(Type type)
    {
        var chain = new List<Type>();
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            chain.Add(t);
        }

        var fields = new List<FieldInfo>();
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            FieldInfo[] declared = chain[i].GetFields(InstanceFields);
            Array.Sort(declared, static (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            fields.AddRange(declared);
        }

        return [.. fields];
    }
}
