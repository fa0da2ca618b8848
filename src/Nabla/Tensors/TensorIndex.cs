namespace Nabla;

/// <summary>
/// One entry of a tensor indexer: an <see cref="int"/> or <see cref="System.Index"/> (<c>^1</c>) picks one
/// position and removes the axis, a <see cref="System.Range"/> (<c>1..3</c>, <c>..</c>) keeps the axis, a
/// <see cref="Slice"/> (Python's <c>start:stop:step</c>) keeps it with a step, <see cref="NewAxis"/> inserts an axis
/// of size 1 and <see cref="Ellipsis"/> stands for as many whole axes as needed. Converts implicitly from int,
/// Index and Range so that <c>t[1..3, ^1]</c> compiles.
/// </summary>
public readonly struct TensorIndex : IEquatable<TensorIndex>
{
    private readonly Index _index;
    private readonly Range _range;
    private readonly int? _start;
    private readonly int? _stop;

    private TensorIndex(TensorIndexKind kind, Index index = default, Range range = default, int? start = null, int? stop = null, int step = 1)
    {
        Kind = kind;
        _index = index;
        _range = range;
        _start = start;
        _stop = stop;
        Step = step;
    }

    /// <summary>An axis of size 1 inserted here (TensorFlow's <c>tf.newaxis</c>; also <see cref="Tf.NewAxis"/>).</summary>
    public static TensorIndex NewAxis => new(TensorIndexKind.NewAxis);

    /// <summary>As many whole axes as the other entries leave (Python's <c>...</c>; also <see cref="Tf.Ellipsis"/>).</summary>
    public static TensorIndex Ellipsis => new(TensorIndexKind.Ellipsis);

    /// <summary>What this entry is.</summary>
    internal TensorIndexKind Kind { get; }

    /// <summary>True for a range (the axis is kept), false for a single position (the axis is removed) or the other kinds.</summary>
    public bool IsRange => Kind == TensorIndexKind.Range;

    /// <summary>The position, when this is a single position.</summary>
    public Index Index => _index;

    /// <summary>The range, when <see cref="IsRange"/>.</summary>
    public Range Range => _range;

    /// <summary>The step of a <see cref="Slice"/> (1 for the other kinds).</summary>
    public int Step { get; }

    /// <summary>
    /// Python's slice <c>start:stop:step</c> (TensorFlow's strided slice of one axis): null bounds mean the whole
    /// axis in the step's direction, negative bounds count from the end, bounds outside the axis are clamped, and a
    /// negative step walks backwards (<c>Slice(step: -1)</c> reverses the axis). The axis is kept.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="step"/> is 0.</exception>
    public static TensorIndex Slice(int? start = null, int? stop = null, int step = 1)
        => step != 0 ? new(TensorIndexKind.Slice, start: start, stop: stop, step: step) : throw new ArgumentException("slice step cannot be zero (strides must be non-zero).", nameof(step));

    /// <summary>A single position from the start (negative counts from the end, as in Python).</summary>
    public static TensorIndex FromInt32(int value) => new(TensorIndexKind.Position, value < 0 ? Index.FromEnd(-value) : Index.FromStart(value));

    /// <summary>A single position.</summary>
    public static TensorIndex FromIndex(Index value) => new(TensorIndexKind.Position, value);

    /// <summary>A range of positions.</summary>
    public static TensorIndex FromRange(Range value) => new(TensorIndexKind.Range, range: value);

    /// <summary>A single position; negative values count from the end.</summary>
    public static implicit operator TensorIndex(int value) => FromInt32(value);

    /// <summary>A single position such as <c>^1</c>.</summary>
    public static implicit operator TensorIndex(Index value) => FromIndex(value);

    /// <summary>A range such as <c>1..3</c> or <c>..</c>.</summary>
    public static implicit operator TensorIndex(Range value) => FromRange(value);

    /// <summary>The start and stop of a <see cref="Slice"/> on an axis of <paramref name="dim"/> positions, clamped as Python clamps.</summary>
    internal (int Start, int Count) Resolve(int dim)
    {
        bool forward = Step > 0;
        int start = Bound(_start, forward ? 0 : dim - 1, dim, forward);
        int stop = Bound(_stop, forward ? dim : -1, dim, forward);
        long span = forward ? (long)stop - start : (long)start - stop;
        long stride = Math.Abs((long)Step); // a step of int.MinValue has no int absolute value
        return (start, span <= 0 ? 0 : (int)((span + stride - 1) / stride));
    }

    private static int Bound(int? value, int missing, int dim, bool forward)
    {
        if (value is not int v)
        {
            return missing;
        }

        v = v < 0 ? v + dim : v;
        return forward ? Math.Clamp(v, 0, dim) : Math.Clamp(v, -1, dim - 1);
    }

    /// <inheritdoc/>
    public bool Equals(TensorIndex other)
        => Kind == other.Kind && _index.Equals(other._index) && _range.Equals(other._range) && _start == other._start && _stop == other._stop && Step == other.Step;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorIndex other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _index, _range, _start, _stop, Step);

    /// <summary>C# notation for positions and ranges (<c>1</c>, <c>^1</c>, <c>1..3</c>), Python's for the others (<c>1:5:2</c>, <c>newaxis</c>, <c>...</c>).</summary>
    public override string ToString() => Kind switch
    {
        TensorIndexKind.Range => _range.ToString(),
        TensorIndexKind.Slice => $"{_start}:{_stop}:{Step}",
        TensorIndexKind.NewAxis => "newaxis",
        TensorIndexKind.Ellipsis => "...",
        _ => _index.ToString(),
    };

    /// <summary>Equality.</summary>
    public static bool operator ==(TensorIndex left, TensorIndex right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TensorIndex left, TensorIndex right) => !left.Equals(right);
}

/// <summary>The kinds of <see cref="TensorIndex"/> entries.</summary>
internal enum TensorIndexKind
{
    Position,
    Range,
    Slice,
    NewAxis,
    Ellipsis,
}
