namespace Nabla;

public static partial class Tf
{
    /// <summary>A tensor of <paramref name="shape"/> filled with the scalar <paramref name="value"/> (its dtype, or <paramref name="dtype"/>).</summary>
    public static Tensor Fill(Shape shape, Tensor value, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Size != 1)
        {
            throw new ArgumentException($"Fill needs a single value, got a tensor of shape {value.Shape}.", nameof(value));
        }

        Tensor scalar = Reshape(StopGradient(value), Shape.Scalar);
        if (dtype is { } d)
        {
            scalar = Cast(scalar, d);
        }

        return BroadcastTo(Constant(scalar), shape);
    }

    /// <summary>A tensor of zeros (float32 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Zeros(Shape shape, DType? dtype = null)
    {
        DType d = dtype ?? DType.Float32;
        return new Tensor(Storage.AllocateZeroed(d, shape.Size), shape, d);
    }

    /// <summary>A tensor of ones (float32 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Ones(Shape shape, DType? dtype = null) => Fill(shape, 1, dtype ?? DType.Float32);

    /// <summary>Zeros of <paramref name="x"/>'s shape and dtype (or <paramref name="dtype"/>).</summary>
    public static Tensor ZerosLike(Tensor x, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Shape.IsFullyDefined ? Zeros(x.Shape, dtype ?? x.DType) : ShapeLike.BroadcastTo(Zeros(Shape.Scalar, dtype ?? x.DType), x);
    }

    /// <summary>Ones of <paramref name="x"/>'s shape and dtype (or <paramref name="dtype"/>).</summary>
    public static Tensor OnesLike(Tensor x, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Shape.IsFullyDefined ? Ones(x.Shape, dtype ?? x.DType) : ShapeLike.BroadcastTo(Ones(Shape.Scalar, dtype ?? x.DType), x);
    }
}
