namespace Nabla;

/// <summary>
/// One entry of a tensor indexer: an <see cref="int"/> or <see cref="System.Index"/> (<c>^1</c>) picks one
/// position and removes the axis, a <see cref="System.Range"/> (<c>1..3</c>, <c>..</c>) keeps the axis.
/// Converts implicitly from all three so that <c>t[1..3, ^1]</c> compiles.
/// </summary>
public readonly struct TensorIndex : IEquatable<TensorIndex>
{
    private readonly Index _index;
    private readonly Range _range;

    private TensorIndex(Index index, Range range, bool isRange)
    {
        _index = index;
        _range = range;
        IsRange = isRange;
    }

    /// <summary>True for a range (the axis is kept), false for a single position (the axis is removed).</summary>
    public bool IsRange { get; }

    /// <summary>The position, when this is not a range.</summary>
    public Index Index => _index;

    /// <summary>The range, when <see cref="IsRange"/>.</summary>
    public Range Range => _range;

    /// <summary>A single position from the start (negative counts from the end, as in Python).</summary>
    public static TensorIndex FromInt32(int value) => value < 0 ? new(Index.FromEnd(-value), default, false) : new(Index.FromStart(value), default, false);

    /// <summary>A single position.</summary>
    public static TensorIndex FromIndex(Index value) => new(value, default, false);

    /// <summary>A range of positions.</summary>
    public static TensorIndex FromRange(Range value) => new(default, value, true);

    /// <summary>A single position; negative values count from the end.</summary>
    public static implicit operator TensorIndex(int value) => FromInt32(value);

    /// <summary>A single position such as <c>^1</c>.</summary>
    public static implicit operator TensorIndex(Index value) => FromIndex(value);

    /// <summary>A range such as <c>1..3</c> or <c>..</c>.</summary>
    public static implicit operator TensorIndex(Range value) => FromRange(value);

    /// <inheritdoc/>
    public bool Equals(TensorIndex other) => IsRange == other.IsRange && _index.Equals(other._index) && _range.Equals(other._range);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorIndex other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsRange, _index, _range);

    /// <summary>C# notation: <c>1</c>, <c>^1</c>, <c>1..3</c>.</summary>
    public override string ToString() => IsRange ? _range.ToString() : _index.ToString();

    /// <summary>Equality.</summary>
    public static bool operator ==(TensorIndex left, TensorIndex right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TensorIndex left, TensorIndex right) => !left.Equals(right);
}
