using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>Allocation and copying of the managed arrays that hold tensor elements.</summary>
internal static class Storage
{
    /// <summary>An array for <paramref name="size"/> elements of <paramref name="dtype"/>, not zeroed when large.</summary>
    public static Array Allocate(DType dtype, int size)
    {
        Array array = AllocateArray(dtype, size);
        _ = HugePageAdvice.Advise(array, (long)size * dtype.Size);
        return array;
    }

    private static Array AllocateArray(DType dtype, int size) => dtype.Code switch
    {
        DTypeCode.Bool => GC.AllocateUninitializedArray<bool>(size),
        DTypeCode.Int8 => GC.AllocateUninitializedArray<sbyte>(size),
        DTypeCode.UInt8 => GC.AllocateUninitializedArray<byte>(size),
        DTypeCode.Int16 => GC.AllocateUninitializedArray<short>(size),
        DTypeCode.Int32 => GC.AllocateUninitializedArray<int>(size),
        DTypeCode.Int64 => GC.AllocateUninitializedArray<long>(size),
        DTypeCode.Float16 => GC.AllocateUninitializedArray<Half>(size),
        DTypeCode.BFloat16 => GC.AllocateUninitializedArray<BFloat16>(size),
        DTypeCode.Float32 => GC.AllocateUninitializedArray<float>(size),
        _ => GC.AllocateUninitializedArray<double>(size),
    };

    private static readonly Array[] s_empty =
        [Array.Empty<bool>(), Array.Empty<int>(), Array.Empty<long>(), Array.Empty<Half>(), Array.Empty<BFloat16>(),
         Array.Empty<float>(), Array.Empty<double>(), Array.Empty<sbyte>(), Array.Empty<byte>(), Array.Empty<short>()];

    /// <summary>The shared empty array of a dtype (the storage of symbolic tensors, which have no elements).</summary>
    public static Array Empty(DType dtype) => dtype.Code switch
    {
        DTypeCode.Bool => s_empty[0],
        DTypeCode.Int32 => s_empty[1],
        DTypeCode.Int64 => s_empty[2],
        DTypeCode.Float16 => s_empty[3],
        DTypeCode.BFloat16 => s_empty[4],
        DTypeCode.Float32 => s_empty[5],
        DTypeCode.Int8 => s_empty[7],
        DTypeCode.UInt8 => s_empty[8],
        DTypeCode.Int16 => s_empty[9],
        _ => s_empty[6],
    };

    /// <summary>A zero-filled array.</summary>
    public static Array AllocateZeroed(DType dtype, int size)
    {
        if ((long)size * dtype.Size < HugePageAdvice.MinimumBytes)
        {
            return AllocateZeroedArray(dtype, size);
        }

        // Large: advised before the first touch, so that zeroing faults the memory in 2 MiB pages.
        Array array = Allocate(dtype, size);
        Array.Clear(array);
        return array;
    }

    private static Array AllocateZeroedArray(DType dtype, int size) => dtype.Code switch
    {
        DTypeCode.Bool => new bool[size],
        DTypeCode.Int8 => new sbyte[size],
        DTypeCode.UInt8 => new byte[size],
        DTypeCode.Int16 => new short[size],
        DTypeCode.Int32 => new int[size],
        DTypeCode.Int64 => new long[size],
        DTypeCode.Float16 => new Half[size],
        DTypeCode.BFloat16 => new BFloat16[size],
        DTypeCode.Float32 => new float[size],
        _ => new double[size],
    };

    /// <summary>
    /// Copies any array (of any rank) of a tensor element type into a new flat array, row-major, which is
    /// also the memory order of .NET multidimensional arrays.
    /// </summary>
    public static Array CopyFlat(Array source, DType dtype)
    {
        int length = source.Length;
        Array flat = Allocate(dtype, length);
        int bytes = checked(length * dtype.Size);
        var from = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(source), bytes);
        var to = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(flat), bytes);
        from.CopyTo(to);
        return flat;
    }

    /// <summary>The shape of a .NET array: its lengths in every rank.</summary>
    public static Shape ShapeOf(Array array)
    {
        int rank = array.Rank;
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = array.GetLength(i);
        }

        return Shape.FromOwnedArray(dims);
    }
}
