using System.Diagnostics.CodeAnalysis;

namespace Nabla;

public partial class Tensor
{
    /// <summary>A scalar tensor of <typeparamref name="T"/>'s dtype.</summary>
    internal static Tensor Scalar<T>(T value, bool weak = false)
        where T : unmanaged
    {
        var buffer = new T[1];
        buffer[0] = value;
        return new Tensor(buffer, Shape.Scalar, DTypeOf<T>(), 1, weak);
    }

    /// <summary><see cref="DType.Of{T}"/> folded by the JIT for each storage type (no runtime type test).</summary>
    private static DType DTypeOf<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return DType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return DType.Float64;
        }

        if (typeof(T) == typeof(int))
        {
            return DType.Int32;
        }

        return typeof(T) == typeof(long) ? DType.Int64 : DType.Of<T>();
    }

    /// <summary>A rank-1 tensor holding a copy of <paramref name="values"/> (the typed fast path of <see cref="FromArray"/>).</summary>
    internal static Tensor FromVector<T>(T[] values, bool weak = false)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        DType dtype = DTypeOf<T>();
        var copy = (T[])Storage.Allocate(dtype, values.Length);
        values.AsSpan().CopyTo(copy);
        return new Tensor(copy, Shape.Vector(values.Length), dtype, values.Length, weak);
    }

    /// <summary>A tensor holding a copy of a .NET array of any rank, with the array's shape.</summary>
    /// <exception cref="ArgumentException">When the element type has no dtype.</exception>
    internal static Tensor FromArray(Array values, bool weak = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        DType dtype = DType.FromClrType(values.GetType().GetElementType()!);
        return new Tensor(Storage.CopyFlat(values, dtype), Storage.ShapeOf(values), dtype, weak);
    }

    /// <summary>A flat row-major copy of the elements.</summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not the dtype's element type.</exception>
    public T[] ToArray<T>()
    {
        Tensor value = ReadForOp();
        value.CheckElementType<T>(nameof(ToArray));
        return value.Read<T>().ToArray();
    }

    /// <summary>
    /// Copies the elements, flat and row-major, into <paramref name="destination"/> without allocating (what
    /// <see cref="ToArray{T}()"/> does into a fresh array): for packing tensors into a caller's buffer, such as a
    /// fused buffer of gradients sent to other processes.
    /// </summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not the dtype's element type.</exception>
    /// <exception cref="ArgumentException">When <paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    public void CopyTo<T>(Span<T> destination)
    {
        Tensor value = ReadForOp();
        value.CheckElementType<T>(nameof(CopyTo));
        if (destination.Length < Size)
        {
            throw new ArgumentException(
                $"CopyTo needs room for {Size} elements of the {DType} tensor of shape {Shape}, got {destination.Length}.", nameof(destination));
        }

        value.Read<T>().CopyTo(destination);
    }

    /// <summary>
    /// A .NET array of the tensor's rank and element type (<c>double[,]</c> for a float64 matrix); a scalar
    /// gives a one-element rank-1 array.
    /// </summary>
    [SuppressMessage("Performance", "CA1814", Justification = "API.md specifies multidimensional arrays for interop.")]
    public Array ToArray()
    {
        Tensor value = ReadForOp();
        int[] lengths = Rank == 0 ? [1] : Shape.ToArray();
        return DType.Code switch
        {
            DTypeCode.Bool => CopyToNewArray<bool>(value, lengths),
            DTypeCode.Int8 => CopyToNewArray<sbyte>(value, lengths),
            DTypeCode.UInt8 => CopyToNewArray<byte>(value, lengths),
            DTypeCode.Int16 => CopyToNewArray<short>(value, lengths),
            DTypeCode.Int32 => CopyToNewArray<int>(value, lengths),
            DTypeCode.Int64 => CopyToNewArray<long>(value, lengths),
            DTypeCode.Float16 => CopyToNewArray<Half>(value, lengths),
            DTypeCode.BFloat16 => CopyToNewArray<BFloat16>(value, lengths),
            DTypeCode.Float32 => CopyToNewArray<float>(value, lengths),
            _ => CopyToNewArray<double>(value, lengths),
        };
    }

    // Copies element by element type, not as bytes: a tensor of more than 2 GiB (600 million float32) fits a .NET
    // array, whose element count is the limit, but not a byte span, whose int length wrapped.
    private static Array CopyToNewArray<T>(Tensor value, int[] lengths)
    {
        Array result = NewArray<T>(lengths);
        var to = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(result)),
            value.Size);
        value.Read<T>().CopyTo(to);
        return result;
    }

    // Written out per rank so the element type is known statically (trimming/AOT safe, unlike Array.CreateInstance).
    private static Array NewArray<T>(int[] n) => n.Length switch
    {
        1 => new T[n[0]],
        2 => new T[n[0], n[1]],
        3 => new T[n[0], n[1], n[2]],
        4 => new T[n[0], n[1], n[2], n[3]],
        5 => new T[n[0], n[1], n[2], n[3], n[4]],
        6 => new T[n[0], n[1], n[2], n[3], n[4], n[5]],
        _ => throw new NotSupportedException($"ToArray() makes .NET arrays of rank 1 to 6; this tensor has rank {n.Length}. Use ToArray<T>() for a flat copy."),
    };

    /// <summary>The single element of a one-element tensor (TensorFlow's <c>.numpy()</c> on a scalar).</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more than one element or <typeparamref name="T"/> is not its element type.</exception>
    public T Item<T>()
    {
        Tensor value = ReadForOp();
        value.CheckElementType<T>(nameof(Item));
        if (Size != 1)
        {
            throw new InvalidOperationException(
                $"Item<{typeof(T).Name}>() needs a tensor with one element, but shape {Shape} has {Size}.");
        }

        return value.Read<T>()[0];
    }
}
