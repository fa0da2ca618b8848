using System.Text;

namespace Nabla.Data;

/// <summary>A single tensor: one leaf.</summary>
internal sealed class TensorLeaf : TensorStructure<Tensor>
{
    public static readonly TensorLeaf Instance = new();

    public override void Flatten(Tensor element, Tensor prototype, List<Tensor> leaves) =>
        leaves.Add(element ?? throw new InvalidOperationException("A dataset element holds a null tensor."));

    public override Tensor Rebuild(Tensor prototype, IReadOnlyList<Tensor> leaves, ref int position) => leaves[position++];
}

/// <summary>A list of tensors (<c>Tensor[]</c>), one leaf per item; every element must have the prototype's length.</summary>
internal sealed class TensorListStructure : TensorStructure<Tensor[]>
{
    public static readonly TensorListStructure Instance = new();

    public override void Flatten(Tensor[] element, Tensor[] prototype, List<Tensor> leaves)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Length != prototype.Length)
        {
            throw new InvalidOperationException(
                $"Dataset elements have different structures: a list of {element.Length} tensors where the first element has {prototype.Length}.");
        }

        foreach (Tensor t in element)
        {
            TensorLeaf.Instance.Flatten(t, t, leaves);
        }
    }

    public override Tensor[] Rebuild(Tensor[] prototype, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var list = new Tensor[prototype.Length];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = leaves[position++];
        }

        return list;
    }
}

/// <summary>
/// A named structure, <c>IReadOnlyDictionary&lt;string, Tensor&gt;</c> or <c>Dictionary&lt;string, Tensor&gt;</c>:
/// leaves in ordinal key order (as <c>tf.nest</c> sorts keys), so two elements whose keys were inserted in
/// different orders still batch leaf by leaf; rebuilt elements keep the prototype's key order.
/// </summary>
internal sealed class DictionaryStructure<TDictionary> : TensorStructure<TDictionary>
    where TDictionary : IReadOnlyDictionary<string, Tensor>
{
    public static readonly DictionaryStructure<TDictionary> Instance = new();

    public override void Flatten(TDictionary element, TDictionary prototype, List<Tensor> leaves)
    {
        ArgumentNullException.ThrowIfNull(element);
        string[] keys = SortedKeys(prototype);
        if (element.Count != keys.Length)
        {
            throw Mismatch(element, keys);
        }

        foreach (string key in keys)
        {
            if (!element.TryGetValue(key, out Tensor? value))
            {
                throw Mismatch(element, keys);
            }

            TensorLeaf.Instance.Flatten(value, value, leaves);
        }
    }

    public override TDictionary Rebuild(TDictionary prototype, IReadOnlyList<Tensor> leaves, ref int position)
    {
        string[] keys = SortedKeys(prototype);
        var byKey = new Dictionary<string, Tensor>(keys.Length, StringComparer.Ordinal);
        foreach (string key in keys)
        {
            byKey[key] = leaves[position++];
        }

        var rebuilt = new Dictionary<string, Tensor>(keys.Length, StringComparer.Ordinal);
        foreach (string key in prototype.Keys)
        {
            rebuilt[key] = byKey[key];
        }

        return (TDictionary)(IReadOnlyDictionary<string, Tensor>)rebuilt;
    }

    private static string[] SortedKeys(TDictionary dictionary)
    {
        string[] keys = [.. dictionary.Keys];
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    private static InvalidOperationException Mismatch(TDictionary element, string[] keys)
    {
        string[] found = SortedKeys(element);
        return new InvalidOperationException(
            $"Dataset elements have different structures: keys [{string.Join(", ", found)}] where the first element has [{string.Join(", ", keys)}].");
    }
}

/// <summary>A pair; its items' structures are looked up on first use, so a nested tuple may be registered later.</summary>
internal sealed class TupleStructure<T1, T2> : TensorStructure<(T1, T2)>
{
    private TensorStructure<T1>? _s1;
    private TensorStructure<T2>? _s2;

    public override void Flatten((T1, T2) element, (T1, T2) prototype, List<Tensor> leaves)
    {
        Resolve();
        _s1!.Flatten(element.Item1, prototype.Item1, leaves);
        _s2!.Flatten(element.Item2, prototype.Item2, leaves);
    }

    public override (T1, T2) Rebuild((T1, T2) prototype, IReadOnlyList<Tensor> leaves, ref int position)
    {
        Resolve();
        T1 item1 = _s1!.Rebuild(prototype.Item1, leaves, ref position);
        return (item1, _s2!.Rebuild(prototype.Item2, leaves, ref position));
    }

    internal override void Resolve()
    {
        _s1 ??= TensorStructure.Of<T1>();
        _s2 ??= TensorStructure.Of<T2>();
    }
}

/// <summary>A triple, e.g. <c>(x, y, sampleWeight)</c>.</summary>
internal sealed class TupleStructure<T1, T2, T3> : TensorStructure<(T1, T2, T3)>
{
    private TensorStructure<T1>? _s1;
    private TensorStructure<T2>? _s2;
    private TensorStructure<T3>? _s3;

    public override void Flatten((T1, T2, T3) element, (T1, T2, T3) prototype, List<Tensor> leaves)
    {
        Resolve();
        _s1!.Flatten(element.Item1, prototype.Item1, leaves);
        _s2!.Flatten(element.Item2, prototype.Item2, leaves);
        _s3!.Flatten(element.Item3, prototype.Item3, leaves);
    }

    public override (T1, T2, T3) Rebuild((T1, T2, T3) prototype, IReadOnlyList<Tensor> leaves, ref int position)
    {
        Resolve();
        T1 item1 = _s1!.Rebuild(prototype.Item1, leaves, ref position);
        T2 item2 = _s2!.Rebuild(prototype.Item2, leaves, ref position);
        return (item1, item2, _s3!.Rebuild(prototype.Item3, leaves, ref position));
    }

    internal override void Resolve()
    {
        _s1 ??= TensorStructure.Of<T1>();
        _s2 ??= TensorStructure.Of<T2>();
        _s3 ??= TensorStructure.Of<T3>();
    }
}

/// <summary>A quadruple.</summary>
internal sealed class TupleStructure<T1, T2, T3, T4> : TensorStructure<(T1, T2, T3, T4)>
{
    private TensorStructure<T1>? _s1;
    private TensorStructure<T2>? _s2;
    private TensorStructure<T3>? _s3;
    private TensorStructure<T4>? _s4;

    public override void Flatten((T1, T2, T3, T4) element, (T1, T2, T3, T4) prototype, List<Tensor> leaves)
    {
        Resolve();
        _s1!.Flatten(element.Item1, prototype.Item1, leaves);
        _s2!.Flatten(element.Item2, prototype.Item2, leaves);
        _s3!.Flatten(element.Item3, prototype.Item3, leaves);
        _s4!.Flatten(element.Item4, prototype.Item4, leaves);
    }

    public override (T1, T2, T3, T4) Rebuild((T1, T2, T3, T4) prototype, IReadOnlyList<Tensor> leaves, ref int position)
    {
        Resolve();
        T1 item1 = _s1!.Rebuild(prototype.Item1, leaves, ref position);
        T2 item2 = _s2!.Rebuild(prototype.Item2, leaves, ref position);
        T3 item3 = _s3!.Rebuild(prototype.Item3, leaves, ref position);
        return (item1, item2, item3, _s4!.Rebuild(prototype.Item4, leaves, ref position));
    }

    internal override void Resolve()
    {
        _s1 ??= TensorStructure.Of<T1>();
        _s2 ??= TensorStructure.Of<T2>();
        _s3 ??= TensorStructure.Of<T3>();
        _s4 ??= TensorStructure.Of<T4>();
    }
}

/// <summary>C#-style type names for messages: <c>(Tensor, Tensor[])</c> rather than <c>ValueTuple`2</c>.</summary>
internal static class TypeNames
{
    public static string Describe(Type type)
    {
        if (type.IsArray)
        {
            return Describe(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        Type[] arguments = type.GetGenericArguments();
        bool isTuple = type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) ?? false;
        var text = new StringBuilder();
        text.Append(isTuple ? "(" : type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<");
        for (int i = 0; i < arguments.Length; i++)
        {
            text.Append(i > 0 ? ", " : string.Empty).Append(Describe(arguments[i]));
        }

        return text.Append(isTuple ? ")" : ">").ToString();
    }
}
