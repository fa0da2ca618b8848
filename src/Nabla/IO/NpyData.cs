using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Nabla.IO;

/// <summary>Turns the raw bytes of a <c>.npy</c> payload into a tensor's storage, and a tensor into them.</summary>
internal static class NpyData
{
    /// <summary>The storage bytes of a tensor's elements (row-major, little-endian as .NET is everywhere it runs).</summary>
    /// <exception cref="InvalidOperationException">When they take more than 2 GiB (a loader could not read them back).</exception>
    public static ReadOnlySpan<byte> Bytes(Tensor tensor) => tensor.ReadBytes();

    /// <summary>A new storage array for <paramref name="header"/>'s elements.</summary>
    public static Array Allocate(NpyHeader header) => Storage.Allocate(header.Type.DType, header.Size);

    /// <summary>The bytes of <paramref name="storage"/> that <paramref name="header"/>'s elements fill.</summary>
    public static Span<byte> WritableBytes(Array storage, NpyHeader header) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(storage), header.Size * header.Type.ItemSize);

    /// <summary>
    /// Makes freshly read bytes what a tensor holds: native byte order, and booleans 0 or 1 (a nonzero byte is True
    /// to NumPy, but a .NET bool must be 0 or 1).
    /// </summary>
    public static void Normalize(NpyHeader header, Span<byte> bytes)
    {
        NpyDType type = header.Type;
        if (type.BigEndian)
        {
            switch (type.ItemSize)
            {
                case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes), MemoryMarshal.Cast<byte, ushort>(bytes)); break;
                case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes), MemoryMarshal.Cast<byte, uint>(bytes)); break;
                case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes), MemoryMarshal.Cast<byte, ulong>(bytes)); break;
            }
        }

        if (type.DType == DType.Bool)
        {
            foreach (ref byte b in bytes)
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }
    }

    /// <summary>
    /// Copies a Fortran-order (column-major) payload into C order: walks the C-order positions with an odometer
    /// and keeps the matching column-major offset up to date, so each element costs a few additions.
    /// </summary>
    public static void FortranToC(ReadOnlySpan<byte> fortran, Span<byte> c, ReadOnlySpan<int> shape, int itemSize)
    {
        int rank = shape.Length;
        if (rank <= 1 || fortran.Length == 0)
        {
            fortran.CopyTo(c);
            return;
        }

        // Column-major strides in elements: the first axis varies fastest.
        Span<long> strides = stackalloc long[rank];
        Span<int> index = stackalloc int[rank];
        long stride = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        long source = 0;
        int count = c.Length / itemSize;
        for (int element = 0; element < count; element++)
        {
            fortran.Slice((int)(source * itemSize), itemSize).CopyTo(c.Slice(element * itemSize, itemSize));
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                source += strides[axis];
                if (++index[axis] < shape[axis])
                {
                    break;
                }

                source -= strides[axis] * shape[axis];
                index[axis] = 0;
            }
        }
    }
}
