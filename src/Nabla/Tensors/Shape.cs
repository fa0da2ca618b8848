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
    internal static Shape FromOwnedArray(int[] dims) => new(dims, false);

    internal ReadOnlySpan<int> Dims => _dims ?? s_scalarDims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Same as <see cref="Rank"/>.</summary>
    public int Count => Rank;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis]
    {
        get
        {
            int rank = Rank;
            int a = axis < 0 ? axis + rank : axis;
            if ((uint)a >= (uint)rank)
            {
                throw new IndexOutOfRangeException($"Axis {axis} is out of range for shape {this} of rank {rank}.");
            }

            return _dims![a];
        }
    }

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long size = 1;
            foreach (int d in Dims)
            {
                size *= d;
            }

            return size > int.MaxValue
                ? throw new ArgumentException($"Shape {this} has {size} elements, more than a tensor can hold ({int.MaxValue}).")
                : (int)size;
        }
    }

    /// <summary>A copy of the dimensions.</summary>
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

    /// <summary>Python's tuple notation: <c>()</c>, <c>(3,)</c>, <c>(2, 2)</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims)
    {
        if (dims.Length == 1)
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({dims[0]},)");
        }

        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.Append(')').ToString();
    }

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
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);
}
