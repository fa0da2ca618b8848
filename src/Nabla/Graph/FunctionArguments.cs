using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Nabla;

/// <summary>
/// How a traced function sees its C# arguments (TensorFlow's rules): a tensor (or a C# array, which becomes one,
/// as NumPy arrays do) is an input whose dtype and shape select the trace; a variable is captured by reference;
/// a list or tuple of those is flattened; any other C# value is a constant of the trace, and a new value means a
/// new trace.
/// </summary>
internal static class FunctionArguments
{
    /// <summary>One argument, flattened: its tensors appended to <paramref name="tensors"/>, its trace key to <paramref name="key"/>.</summary>
    public static void Flatten(object? argument, List<Tensor> tensors, List<object?> key)
    {
        switch (argument)
        {
            case Variable variable:
                // Captured by reference: the trace reads this variable when it runs.
                key.Add(new VariableKey(variable));
                break;
            case Tensor tensor:
                tensors.Add(tensor);
                key.Add(TensorKey.Of(tensor));
                break;
            case Array array when array.GetType().GetElementType() is { } type && DType.TryFromClrType(type, out _):
                Tensor converted = Tensor.FromArray(array, weak: true);
                tensors.Add(converted);
                key.Add(TensorKey.Of(converted));
                break;
            case ITuple tuple:
                key.Add(new StructureKey(tuple.Length, IsList: false));
                for (int i = 0; i < tuple.Length; i++)
                {
                    Flatten(tuple[i], tensors, key);
                }

                break;
            case IEnumerable<Tensor> list:
                int count = key.Count;
                key.Add(null);
                int n = 0;
                foreach (Tensor t in list)
                {
                    Flatten(t, tensors, key);
                    n++;
                }

                key[count] = new StructureKey(n, IsList: true);
                break;
            default:
                // A C# value: part of the key by value (TensorFlow hashes Python values the same way).
                key.Add(new ConstantKey(argument));
                break;
        }
    }

    /// <summary>
    /// Rebuilds an argument with its tensors replaced, in flattening order, by <paramref name="replacements"/>
    /// (the trace's placeholders); variables and C# values stay as they are.
    /// </summary>
    public static object? Rebuild(object? argument, IReadOnlyList<Tensor> replacements, ref int next, Type declared)
    {
        switch (argument)
        {
            case Variable:
                return argument;
            case Tensor:
                return replacements[next++];
            case Array array when array.GetType().GetElementType() is { } type && DType.TryFromClrType(type, out _):
                // Declared as an array: the body gets the array back only if it cannot take a tensor.
                Tensor placeholder = replacements[next++];
                return declared.IsAssignableFrom(typeof(Tensor)) ? placeholder : throw new NotSupportedException(
                    $"A traced function's parameter of type {declared.Name} receives a {array.GetType().Name}: declare it as Tensor so the trace can take it as an input.");
            case ITuple tuple:
                var items = new object?[tuple.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = Rebuild(tuple[i], replacements, ref next, typeof(object));
                }

                return RebuildTuple(argument.GetType(), items);
            case IEnumerable<Tensor> list:
                var rebuilt = new List<Tensor>();
                foreach (Tensor t in list)
                {
                    rebuilt.Add((Tensor)Rebuild(t, replacements, ref next, typeof(Tensor))!);
                }

                return argument is Tensor[] ? rebuilt.ToArray() : rebuilt;
            default:
                return argument;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "The tuple type is that of an argument the caller built, so its constructor is kept.")]
    private static object RebuildTuple(Type tupleType, object?[] items)
        => Activator.CreateInstance(tupleType, items)
           ?? throw new InvalidOperationException($"Cannot rebuild a {tupleType.Name} for a traced function.");

    /// <summary>The key of a tensor argument: dtype, shape and weakness (a C# array adapts to the dtype beside it).</summary>
    internal readonly record struct TensorKey(DType DType, Shape Shape, bool IsWeak)
    {
        public static TensorKey Of(Tensor t) => new(t.DType, t.Shape, t.IsWeak);
    }

    internal readonly record struct StructureKey(int Count, bool IsList);

    internal sealed record VariableKey(Variable Variable)
    {
        public bool Equals(VariableKey? other) => other is not null && ReferenceEquals(Variable, other.Variable);

        public override int GetHashCode() => RuntimeHelpers.GetHashCode(Variable);
    }

    internal sealed record ConstantKey(object? Value)
    {
        public bool Equals(ConstantKey? other) => other is not null && Equals(Value, other.Value)
            && (Value is null || Value.GetType() == other.Value!.GetType());

        public override int GetHashCode() => Value?.GetHashCode() ?? 0;
    }
}
