using System.Runtime.InteropServices;

namespace Nabla.Distributed;

/// <summary>A tensor's elements as raw bytes and back, for collectives that move bytes (broadcasts, gathers).</summary>
internal static class TensorBytes
{
    /// <summary>
    /// Throws when <paramref name="tensor"/> is symbolic (a placeholder of a <c>Tf.Function</c> being traced): it has no
    /// values to send, and a collective in a traced graph would run once at trace time, not at every call.
    /// </summary>
    public static void RequireEager(Tensor tensor, string collective)
    {
        if (tensor.IsSymbolic)
        {
            throw new InvalidOperationException(
                $"{collective}: a symbolic tensor of shape {tensor.Shape} cannot be sent to other processes while a Tf.Function is " +
                "traced: collectives run eagerly, between traced steps (call them outside the function).");
        }
    }

    /// <summary>The size of the tensor's elements in bytes.</summary>
    public static int ByteCount(Tensor tensor) => checked(tensor.Size * tensor.DType.Size);

    /// <summary>Copies the tensor's elements into <paramref name="destination"/>.</summary>
    public static void CopyTo(Tensor tensor, Span<byte> destination)
    {
        DType dtype = tensor.DType;
        if (dtype == DType.Float32)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, float>(destination));
        }
        else if (dtype == DType.Float64)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, double>(destination));
        }
        else if (dtype == DType.Int32)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, int>(destination));
        }
        else if (dtype == DType.Int64)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, long>(destination));
        }
        else if (dtype == DType.Float16)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, Half>(destination));
        }
        else if (dtype == DType.Int8)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, sbyte>(destination));
        }
        else if (dtype == DType.UInt8)
        {
            tensor.CopyTo(destination);
        }
        else if (dtype == DType.Int16)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, short>(destination));
        }
        else if (dtype == DType.BFloat16)
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, BFloat16>(destination));
        }
        else
        {
            tensor.CopyTo(MemoryMarshal.Cast<byte, bool>(destination));
        }
    }

    /// <summary>A tensor of <paramref name="shape"/> and <paramref name="dtype"/> holding a copy of <paramref name="bytes"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, Shape shape, DType dtype)
    {
        if (dtype == DType.Float32)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, float>(bytes), shape);
        }

        if (dtype == DType.Float64)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, double>(bytes), shape);
        }

        if (dtype == DType.Int32)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, int>(bytes), shape);
        }

        if (dtype == DType.Int64)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, long>(bytes), shape);
        }

        if (dtype == DType.Float16)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, Half>(bytes), shape);
        }

        if (dtype == DType.Int8)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, sbyte>(bytes), shape);
        }

        if (dtype == DType.UInt8)
        {
            return Tf.Constant(bytes, shape);
        }

        if (dtype == DType.Int16)
        {
            return Tf.Constant(MemoryMarshal.Cast<byte, short>(bytes), shape);
        }

        return dtype == DType.BFloat16
            ? Tf.Constant(MemoryMarshal.Cast<byte, BFloat16>(bytes), shape)
            : Tf.Constant(MemoryMarshal.Cast<byte, bool>(bytes), shape);
    }

    /// <summary>The index of <paramref name="dtype"/> in <see cref="DType.All"/> (its code in collective descriptors).</summary>
    public static int IndexOf(DType dtype)
    {
        for (int i = 0; i < DType.All.Count; i++)
        {
            if (DType.All[i] == dtype)
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown dtype {dtype}.", nameof(dtype));
    }
}
