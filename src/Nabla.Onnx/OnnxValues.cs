using System.Collections;

namespace Nabla.Onnx;

/// <summary>
/// ONNX's sequence value (<c>seq(tensor)</c>): an ordered list of tensors of one dtype, whose shapes may differ. It is
/// a value of the graph runner, not a Nabla tensor: the sequence operators (SequenceConstruct, SequenceAt,
/// SplitToSequence, ConcatFromSequence...) rearrange the list on the host and its tensors stay Nabla tensors, so
/// gradients flow through them. Immutable, as ONNX's sequence operators return new sequences.
/// </summary>
public sealed class OnnxSequence : IReadOnlyList<Tensor>
{
    private readonly Tensor[] _items;

    /// <summary>A sequence of <paramref name="items"/>, each of dtype <paramref name="elementType"/>.</summary>
    /// <exception cref="ArgumentException">When an item's dtype is not <paramref name="elementType"/>.</exception>
    public OnnxSequence(IEnumerable<Tensor> items, DType elementType)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        ElementType = elementType;
        for (int i = 0; i < _items.Length; i++)
        {
            if (_items[i].DType != elementType)
            {
                throw new ArgumentException(
                    $"An ONNX sequence of {elementType} cannot hold a tensor of {_items[i].DType} (item {i}, shape {_items[i].Shape}).", nameof(items));
            }
        }
    }

    /// <summary>The dtype of every tensor in the sequence (also of an empty one).</summary>
    public DType ElementType { get; }

    /// <summary>How many tensors the sequence holds.</summary>
    public int Count => _items.Length;

    /// <summary>The tensor at <paramref name="index"/>.</summary>
    public Tensor this[int index] => _items[index];

    /// <summary>The tensors in order.</summary>
    public IEnumerator<Tensor> GetEnumerator() => ((IEnumerable<Tensor>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>"sequence of 3 float32 tensor(s)", for messages.</summary>
    public override string ToString() => $"sequence of {Count} {ElementType} tensor(s)";
}

/// <summary>
/// ONNX's optional value: a <see cref="Tensor"/> or an <see cref="OnnxSequence"/>, or nothing (an empty optional,
/// which still says what it would hold).
/// </summary>
public sealed class OnnxOptional
{
    private OnnxOptional(object? value)
    {
        Value = value;
    }

    /// <summary>An optional holding <paramref name="value"/> (a <see cref="Tensor"/> or an <see cref="OnnxSequence"/>).</summary>
    public static OnnxOptional Of(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value is Tensor or OnnxSequence
            ? new OnnxOptional(value)
            : throw new ArgumentException($"An ONNX optional holds a tensor or a sequence, got {value.GetType().Name}.", nameof(value));
    }

    /// <summary>The empty optional.</summary>
    public static OnnxOptional Empty { get; } = new(null);

    /// <summary>The tensor or sequence held, or null when empty.</summary>
    public object? Value { get; }

    /// <summary>Whether the optional holds a value.</summary>
    public bool HasValue => Value is not null;

    /// <summary>"empty optional" or "optional ..." with what it holds, for messages.</summary>
    public override string ToString() => Value is null ? "empty optional" : $"optional {Value}";
}
