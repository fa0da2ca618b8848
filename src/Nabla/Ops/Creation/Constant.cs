namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// A constant from a tensor, or from a C# scalar or array of rank 1 to 4 (implicitly converted). With
    /// <paramref name="dtype"/> the value is converted; with <paramref name="shape"/> a value of the same size
    /// is reshaped and a single element fills the shape.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="shape"/> neither matches the size nor has one element to fill from.</exception>
    public static Tensor Constant(Tensor value, DType? dtype = null, Shape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Inside a trace the value may be symbolic (or a variable read when the graph runs): a constant of it is
        // then a node that stops gradients.
        bool traced = !ExecutionContext.Current.IsEager;
        Tensor t = traced ? value : value.ReadForOp();
        if (dtype is { } d && d != t.DType)
        {
            t = Cast(t, d);
        }

        if (shape is { } s && s != t.Shape)
        {
            if (s.Size == t.Size)
            {
                t = Reshape(t, s);
            }
            else if (t.Size == 1)
            {
                t = BroadcastTo(Reshape(t, Shape.Scalar), s);
            }
            else
            {
                throw new ArgumentException(
                    $"Constant of shape {t.Shape} ({t.Size} elements) cannot take shape {s} ({s.Size} elements): " +
                    "a value must have the shape's size or a single element.", nameof(shape));
            }
        }

        if (traced)
        {
            return StopGradient(t);
        }

        // A constant is a strong tensor of its own, never the caller's (possibly weak) object.
        return ReferenceEquals(t, value) || t.IsWeak ? t.Alias(t.Shape, t.DType) : t;
    }

    /// <summary>A constant from a flat span of elements and a shape (row-major).</summary>
    /// <exception cref="ArgumentException">When the span length differs from the shape's size.</exception>
    public static Tensor Constant<T>(ReadOnlySpan<T> values, Shape shape)
        where T : unmanaged
    {
        DType dtype = DType.Of<T>();
        if (values.Length != shape.Size)
        {
            throw new ArgumentException(
                $"Constant of {values.Length} {dtype} values cannot have shape {shape}, which holds {shape.Size}.", nameof(values));
        }

        var buffer = (T[])Storage.Allocate(dtype, values.Length);
        values.CopyTo(buffer);
        return new Tensor(buffer, shape, dtype);
    }

    /// <summary>A constant from a flat array of elements and a shape (row-major).</summary>
    public static Tensor Constant<T>(T[] values, Shape shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        return Constant<T>(values.AsSpan(), shape);
    }
}
