namespace Nabla.Data;

/// <summary>
/// How a dataset element of type <typeparamref name="T"/> is made of tensors (TensorFlow's nested structures):
/// <see cref="Flatten"/> lists its tensors (the leaves) in a fixed order, <see cref="Rebuild"/> makes an element
/// of the same structure from other tensors. <see cref="Dataset{T}.Batch"/>, <c>PaddedBatch</c>, <c>Unbatch</c>
/// and <c>FromTensorSlices</c> work leaf by leaf through it.
/// </summary>
/// <remarks>
/// Built in (see <see cref="TensorStructure.Of{T}"/>): <see cref="Tensor"/>; <c>Tensor[]</c> (a list);
/// <c>IReadOnlyDictionary&lt;string, Tensor&gt;</c> and <c>Dictionary&lt;string, Tensor&gt;</c> (named
/// structures, flattened in ordinal key order as <c>tf.nest</c> sorts dictionary keys); value tuples of two to four
/// supported structures, nested to any depth, with or without element names (<c>(Tensor Image, Tensor Label)</c>).
/// Other types are registered with <see cref="TensorStructure.Register{T}(TensorStructure{T})"/>.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public abstract class TensorStructure<T>
{
    /// <summary>
    /// Appends the tensors of <paramref name="element"/> to <paramref name="leaves"/>, in the order given by
    /// <paramref name="prototype"/> (the first element of a batch), and checks that both have the same structure.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the element's structure differs from the prototype's (other keys, another length) or a tensor is null.</exception>
    public abstract void Flatten(T element, T prototype, List<Tensor> leaves);

    /// <summary>
    /// An element with the structure of <paramref name="prototype"/> whose tensors are
    /// <paramref name="leaves"/>[<paramref name="position"/>...], in <see cref="Flatten"/>'s order; advances <paramref name="position"/>.
    /// </summary>
    public abstract T Rebuild(T prototype, IReadOnlyList<Tensor> leaves, ref int position);

    /// <summary>Resolves the structures of the components (a tuple's items); throws when one is not supported.</summary>
    internal virtual void Resolve()
    {
    }
}

/// <summary>The registry of <see cref="TensorStructure{T}"/>s by element type.</summary>
public static class TensorStructure
{
    /// <summary>
    /// The structure of elements of type <typeparamref name="T"/>: a built-in one, a registered one, or for a tuple
    /// type one made from its items' structures.
    /// </summary>
    /// <exception cref="NotSupportedException">When <typeparamref name="T"/> is neither built in nor registered.</exception>
    public static TensorStructure<T> Of<T>()
    {
        TensorStructure<T> structure = Cache<T>.Value ?? throw new NotSupportedException(
            $"{TypeNames.Describe(typeof(T))} is not a dataset element structure: use Tensor, Tensor[], IReadOnlyDictionary<string, Tensor> " +
            "or value tuples of these; register a nested tuple with TensorStructure.Register<T1, T2>() (its items first) " +
            "and any other type with TensorStructure.Register(TensorStructure<T>).");
        structure.Resolve();
        return structure;
    }

    /// <summary>Registers (or replaces) the structure of <typeparamref name="T"/>.</summary>
    public static void Register<T>(TensorStructure<T> structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        Cache<T>.Value = structure;
    }

    /// <summary>Registers the tuple <c>(T1, T2)</c>, whose items' structures are looked up when it is first used.</summary>
    public static void Register<T1, T2>() => Cache<(T1, T2)>.Value ??= new TupleStructure<T1, T2>();

    /// <summary>Registers the tuple <c>(T1, T2, T3)</c>.</summary>
    public static void Register<T1, T2, T3>() => Cache<(T1, T2, T3)>.Value ??= new TupleStructure<T1, T2, T3>();

    /// <summary>Registers the tuple <c>(T1, T2, T3, T4)</c>.</summary>
    public static void Register<T1, T2, T3, T4>() => Cache<(T1, T2, T3, T4)>.Value ??= new TupleStructure<T1, T2, T3, T4>();

    /// <summary>Whether <typeparamref name="T"/> has a structure (built in or registered).</summary>
    internal static bool IsKnown<T>() => Cache<T>.Value is not null;

    /// <summary>
    /// The built-in structures, matched by exact type (no reflection, so trimming and AOT keep working): generic tuple
    /// structures are created where the compiler knows the item types, here and in <see cref="Register{T1, T2}"/>.
    /// </summary>
    private static TensorStructure<T>? BuiltIn<T>()
    {
        Type type = typeof(T);
        object? structure =
            type == typeof(Tensor) ? TensorLeaf.Instance
            : type == typeof(Tensor[]) ? TensorListStructure.Instance
            : type == typeof(IReadOnlyDictionary<string, Tensor>) ? DictionaryStructure<IReadOnlyDictionary<string, Tensor>>.Instance
            : type == typeof(Dictionary<string, Tensor>) ? DictionaryStructure<Dictionary<string, Tensor>>.Instance
            : type == typeof((Tensor, Tensor)) ? new TupleStructure<Tensor, Tensor>()
            : type == typeof((Tensor, Tensor, Tensor)) ? new TupleStructure<Tensor, Tensor, Tensor>()
            : type == typeof((Tensor, Tensor, Tensor, Tensor)) ? new TupleStructure<Tensor, Tensor, Tensor, Tensor>()
            : type == typeof((Tensor[], Tensor)) ? new TupleStructure<Tensor[], Tensor>()
            : type == typeof((IReadOnlyDictionary<string, Tensor>, Tensor)) ? new TupleStructure<IReadOnlyDictionary<string, Tensor>, Tensor>()
            : type == typeof(((Tensor, Tensor), Tensor)) ? new TupleStructure<(Tensor, Tensor), Tensor>()
            : null;
        return (TensorStructure<T>?)structure;
    }

    private static class Cache<T>
    {
        // Written by Register and read by every Of: a reference, so a race at worst builds an equal structure twice.
        public static volatile TensorStructure<T>? Value = BuiltIn<T>();
    }
}
