using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Nabla;

/// <summary>
/// The dimensions of a tensor (TensorFlow's <c>TensorShape</c>), immutable. Prints as Python does: <c>()</c>,
/// <c>(3,)</c>, <c>(2, 2)</c>. Built from an <c>int[]</c> or a collection expression (<c>[2, 2]</c>).
/// The dimension array is shared, never copied, between tensors of the same shape: nothing ever writes to it.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private static readonly int[] s_scalarDims = [];
    private static readonly int[]?[] s_vectors = new int[]?[65];
    private readonly int[]? _dims;

    /// <summary>A shape from its dimensions (copied).</summary>
    /// <exception cref="ArgumentException">When a dimension is negative.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        CheckRank(dims.Length, nameof(dims));
        foreach (int d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Dimensions must be non-negative, got shape {Format(dims)}.", nameof(dims));
            }
        }

        _dims = dims.Length == 0 ? s_scalarDims : dims.ToArray();
    }

    private Shape(int[] dims, bool _) => _dims = dims;

    /// <summary>
    /// A partially known shape, as a traced function's input signature gives it (TensorFlow's <c>TensorShape</c>
    /// with <c>None</c>): a null dimension is unknown until the function runs.
    /// </summary>
    /// <exception cref="ArgumentException">When a known dimension is negative.</exception>
    public static Shape Partial(params int?[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        CheckRank(dims.Length, nameof(dims));
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] is int d && d < 0)
            {
                throw new ArgumentException($"Dimensions must be non-negative or null (unknown), got dimension {i} = {d}.", nameof(dims));
            }

            result[i] = dims[i] ?? UnknownDim;
        }

        return new Shape(result, false);
    }

    /// <summary>How an unknown dimension is stored in <see cref="Dims"/> (and returned by <see cref="ToArray"/>).</summary>
    internal const int UnknownDim = -1;

    /// <summary>Whether every dimension is known (always, except for the symbolic tensors of a traced function).</summary>
    public bool IsFullyDefined => Dims.IndexOf(UnknownDim) < 0;

    /// <summary>The size of dimension <paramref name="axis"/>, or null where it is unknown (negative axes count from the end).</summary>
    public int? Dimension(int axis)
    {
        int d = DimAt(axis);
        return d == UnknownDim ? null : d;
    }

    /// <summary>The dimensions with null for unknown ones.</summary>
    public int?[] ToNullableArray()
    {
        ReadOnlySpan<int> dims = Dims;
        var result = new int?[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            result[i] = dims[i] == UnknownDim ? null : dims[i];
        }

        return result;
    }

    /// <summary>
    /// Whether the two shapes could describe the same tensor: the same rank, and equal dimensions wherever both
    /// are known (TensorFlow's <c>is_compatible_with</c>).
    /// </summary>
    public bool IsCompatibleWith(Shape other)
    {
        ReadOnlySpan<int> a = Dims;
        ReadOnlySpan<int> b = other.Dims;
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && a[i] != UnknownDim && b[i] != UnknownDim)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The shape of a scalar: <c>()</c>.</summary>
    public static Shape Scalar => new(s_scalarDims, false);

    /// <summary>Builds a shape; the collection-expression entry point.</summary>
    public static Shape Create(ReadOnlySpan<int> dims) => new(dims);

    /// <summary>The rank-1 shape <c>(length,)</c>, shared for small lengths (dimension arrays are never written).</summary>
    internal static Shape Vector(int length)
    {
        if ((uint)length >= (uint)s_vectors.Length)
        {
            return new Shape([length]);
        }

        return new Shape(s_vectors[length] ??= [length], false);
    }

    /// <summary>Wraps an array the caller promises never to modify again.</summary>
    internal static Shape FromOwnedArray(int[] dims)
    {
        CheckRank(dims.Length, paramName: null); // an op's output shape: no parameter of the caller's to name
        return new(dims, false);
    }

    /// <summary>The most dimensions a tensor may have, as in TensorFlow (<c>TensorShape::MaxDimensions</c>).</summary>
    public const int MaxRank = 254;

    /// <summary>
    /// The most elements a tensor may hold: its values live in one .NET array (<see cref="Array.MaxLength"/>).
    /// </summary>
    public static int MaxSize => Array.MaxLength;

    // Every shape is made through a constructor, Partial or FromOwnedArray, so this one check bounds the rank
    // everywhere: the formatter, broadcasting and the kernels' per-axis loops can then never run away.
    private static void CheckRank(int rank, string? paramName)
    {
        if (rank > MaxRank)
        {
            throw new ArgumentException($"Too many dimensions in tensor: rank {rank}, the most is {MaxRank} (as in TensorFlow).", paramName);
        }
    }

    /// <summary>
    /// The element count of <paramref name="dims"/>, checked: a product that passes <see cref="MaxSize"/> (or would
    /// wrap) throws one clear error naming the shape, instead of a wrapped count or the runtime's array error.
    /// Unknown dimensions (-1) are not allowed here.
    /// </summary>
    internal static int CheckedSize(ReadOnlySpan<int> dims)
    {
        long size = 1;
        bool tooLarge = false;
        foreach (int d in dims)
        {
            if (d < 0)
            {
                // Only an op's own arithmetic can get here (constructors refuse negative dimensions): never let a
                // wrapped dimension reach an allocation.
                throw new ArgumentException($"Shape {Format(dims)} has a negative dimension.");
            }
        }

        foreach (int d in dims)
        {
            if (d == 0)
            {
                return 0;
            }

            // Stops multiplying once past the limit (a long cannot wrap from a value <= MaxSize times an int).
            if (!tooLarge)
            {
                size *= d;
                tooLarge = size > Array.MaxLength;
            }
        }

        return tooLarge
            ? throw new ArgumentException(
                $"Shape {Format(dims)} has more elements than a tensor can hold ({Array.MaxLength}, the largest .NET array).")
            : (int)size;
    }

    internal ReadOnlySpan<int> Dims => _dims ?? s_scalarDims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Same as <see cref="Rank"/>.</summary>
    public int Count => Rank;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    /// <exception cref="InvalidOperationException">When the dimension is unknown (a traced function's symbolic tensor).</exception>
    public int this[int axis]
    {
        get
        {
            int d = DimAt(axis);
            return d != UnknownDim ? d : throw new InvalidOperationException(
                $"Dimension {axis} of shape {this} is unknown while tracing: it is only known when the function runs. " +
                "Use Shape.Dimension(axis) to test for it, or give the function an input signature where it is known.");
        }
    }

    private int DimAt(int axis)
    {
        int rank = Rank;
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)rank)
        {
            throw new IndexOutOfRangeException($"Axis {axis} is out of range for shape {this} of rank {rank}.");
        }

        return _dims![a];
    }

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    /// <exception cref="InvalidOperationException">When a dimension is unknown (a traced function's symbolic tensor).</exception>
    public int Size
    {
        get
        {
            if (!IsFullyDefined)
            {
                throw new InvalidOperationException(
                    $"Shape {this} is not fully defined while tracing: its size is only known when the function runs.");
            }

            return CheckedSize(Dims);
        }
    }

    /// <summary>A copy of the dimensions; an unknown dimension (see <see cref="IsFullyDefined"/>) is -1.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Whether two shapes have the same dimensions.</summary>
    public bool Equals(Shape other) => ReferenceEquals(_dims, other._dims) || Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Python's tuple notation: <c>()</c>, <c>(3,)</c>, <c>(2, 2)</c>; an unknown dimension prints as <c>None</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims)
    {
        if (dims.Length == 1)
        {
            return "(" + FormatDim(dims[0]) + ",)";
        }

        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(FormatDim(dims[i]));
        }

        return sb.Append(')').ToString();
    }

    private static string FormatDim(int d) => d == UnknownDim ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Enumerates the dimensions.</summary>
    public IEnumerator<int> GetEnumerator()
    {
        int[] dims = _dims ?? s_scalarDims;
        for (int i = 0; i < dims.Length; i++)
        {
            yield return dims[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A shape from an array of dimensions.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="dims"/> is null (<c>Tf.Zeros(null)</c> is not a scalar's shape).</exception>
    public static implicit operator Shape(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return new(dims);
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);
}
