namespace Nabla;

/// <summary>
/// A shape and a dtype, possibly with unknown dimensions (TensorFlow's <c>tf.TensorSpec</c>): what an op infers
/// for its output before any kernel runs (JAX's abstract eval), and what a traced function's input signature
/// promises (<c>new TensorSpec([null, 3], DType.Float32)</c> covers every batch size).
/// </summary>
public readonly struct TensorSpec : IEquatable<TensorSpec>
{
    /// <summary>A spec of a known or partially known shape.</summary>
    public TensorSpec(Shape shape, DType dtype, string? name = null)
    {
        Shape = shape;
        DType = dtype;
        Name = name;
    }

    /// <summary>A spec whose null dimensions are unknown (any size matches them).</summary>
    /// <exception cref="ArgumentException">When a known dimension is negative.</exception>
    public TensorSpec(int?[] shape, DType dtype, string? name = null)
        : this(Shape.Partial(shape), dtype, name)
    {
    }

    /// <summary>The shape; unknown dimensions print as <c>None</c>.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>An optional name (a traced function's argument name).</summary>
    public string? Name { get; }

    /// <summary>The spec of a tensor's shape and dtype.</summary>
    public static TensorSpec From(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new TensorSpec(tensor.Shape, tensor.DType);
    }

    /// <summary>Whether a tensor of <paramref name="shape"/> and <paramref name="dtype"/> fits this spec.</summary>
    public bool IsCompatibleWith(Shape shape, DType dtype) => dtype == DType && Shape.IsCompatibleWith(shape);

    /// <inheritdoc/>
    public bool Equals(TensorSpec other) => Shape == other.Shape && DType == other.DType && Name == other.Name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorSpec other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Shape, DType, Name);

    /// <summary>TensorFlow's form: <c>TensorSpec(shape=(None, 3), dtype=float32, name=None)</c>.</summary>
    public override string ToString() => $"TensorSpec(shape={Shape}, dtype={DType}, name={Name ?? "None"})";

    /// <summary>Equality of shape, dtype and name.</summary>
    public static bool operator ==(TensorSpec left, TensorSpec right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TensorSpec left, TensorSpec right) => !left.Equals(right);
}
