using System.IO.MemoryMappedFiles;

namespace Nabla.IO;

/// <summary>
/// A <c>.npy</c> file opened memory-mapped (<see cref="NumPy.Open"/>; NumPy's <c>mmap_mode="r"</c>): its header is
/// parsed and checked against the file's size on opening, its data is mapped read-only and copied out on request,
/// whole (<see cref="Read"/>) or a range of rows (<see cref="ReadRows"/>), so a file larger than memory can feed
/// training batch by batch. Dispose it to unmap the file.
/// </summary>
public sealed class NpyFile : IDisposable
{
    private readonly NpyHeader _header;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    internal NpyFile(string path)
    {
        Path = path;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            _header = NpyHeader.Read(stream, path);
            NumPy.CheckLength(_header, stream.Length, path);
        }

        long length = _header.DataOffset + _header.DataBytes;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        }
        catch
        {
            _map.Dispose();
            throw;
        }

        Shape = Shape.FromOwnedArray(_header.Shape);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The array's shape.</summary>
    public Shape Shape { get; }

    /// <summary>The array's dtype.</summary>
    public DType DType => _header.Type.DType;

    /// <summary>Whether the data is stored column-major.</summary>
    public bool FortranOrder => _header.FortranOrder;

    /// <summary>The whole array as a tensor.</summary>
    public Tensor Read()
    {
        Array storage = NpyData.Allocate(_header);
        Span<byte> bytes = NpyData.WritableBytes(storage, _header);
        if (_header.FortranOrder && _header.Shape.Length > 1)
        {
            byte[] raw = GC.AllocateUninitializedArray<byte>(bytes.Length);
            CopyOut(0, raw);
            NpyData.FortranToC(raw, bytes, _header.Shape, _header.Type.ItemSize);
        }
        else
        {
            CopyOut(0, bytes);
        }

        NpyData.Normalize(_header, bytes);
        return new Tensor(storage, Shape, DType);
    }

    /// <summary>Rows <c>[start, start + count)</c> of the first axis, as NumPy's <c>array[start:start + count]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the range falls outside the first axis.</exception>
    /// <exception cref="NotSupportedException">For a Fortran-order array of rank 2 or more (its rows are not contiguous on disk).</exception>
    public Tensor ReadRows(int start, int count)
    {
        if (Shape.Rank == 0)
        {
            throw new InvalidOperationException($"NpyFile: {Path} holds a scalar, which has no rows; use Read().");
        }

        if (start < 0 || count < 0 || (long)start + count > Shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"NpyFile: rows [{start}, {(long)start + count}) fall outside the {Shape[0]} rows of {Path}.");
        }

        if (_header.FortranOrder && Shape.Rank > 1)
        {
            throw new NotSupportedException($"NpyFile: {Path} is stored in Fortran order, whose rows are not contiguous; use Read().");
        }

        int[] dims = Shape.ToArray();
        long rowElements = 1;
        for (int axis = 1; axis < dims.Length; axis++)
        {
            rowElements *= dims[axis];
        }

        dims[0] = count;
        var header = _header with { Shape = dims };
        Array storage = NpyData.Allocate(header);
        Span<byte> bytes = NpyData.WritableBytes(storage, header);
        CopyOut(start * rowElements * _header.Type.ItemSize, bytes);
        NpyData.Normalize(header, bytes);
        return new Tensor(storage, Shape.FromOwnedArray(dims), DType);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    private unsafe void CopyOut(long dataOffset, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            pointer += _view.PointerOffset + _header.DataOffset + dataOffset;
            new ReadOnlySpan<byte>(pointer, destination.Length).CopyTo(destination);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }
}
