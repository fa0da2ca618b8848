using System.IO.MemoryMappedFiles;

namespace Nabla.Keras.Saving;

/// <summary>
/// An open safetensors file. The header is read and validated first (<see cref="SafeTensorsHeader.Read"/>: a bad or
/// truncated file is refused before anything is allocated for its data); the data buffer is then memory-mapped, never
/// read whole into one array, and each tensor is copied once from the mapping into its own storage. Offsets are longs,
/// so files of 2 GiB and more load (one tensor holds at most int.MaxValue elements, as every Nabla tensor).
/// </summary>
internal sealed unsafe class SafeTensorsReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _data;

    private SafeTensorsReader(FileStream stream, SafeTensorsHeader header, string path)
    {
        _stream = stream;
        Header = header;
        _path = path;
    }

    /// <summary>The validated header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header; <see cref="FileNotFoundException"/> and the like pass through.</summary>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is corrupt.</exception>
    public static SafeTensorsReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensors.EnsureLittleEndian();

        // Shared read access: a writer that opens the file exclusively waits; SaveWeights never writes in place (it
        // renames a new file over this one), so the mapped bytes stay those the header was checked against.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        try
        {
            return new SafeTensorsReader(stream, SafeTensorsHeader.Read(stream, path), path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The tensor of <paramref name="entry"/>, one of <see cref="Header"/>'s entries.</summary>
    /// <exception cref="InvalidDataException">When a BOOL tensor holds a byte other than 0 or 1.</exception>
    public Tensor Decode(SafeTensorsEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        int count = entry.Shape.Size; // the header checked it against the byte range
        byte* bytes = count == 0 ? null : Data() + entry.Begin;
        if (entry.DType == DType.Bool)
        {
            var values = new bool[count];
            var raw = new ReadOnlySpan<byte>(bytes, count);
            for (int i = 0; i < raw.Length; i++)
            {
                values[i] = raw[i] switch
                {
                    0 => false,
                    1 => true,
                    _ => throw SafeTensorsHeader.Invalid(_path, $"tensor '{entry.Name}' of dtype BOOL holds the byte {raw[i]} (only 0 and 1 are booleans)"),
                };
            }

            return Tf.Constant(values, entry.Shape);
        }

        return entry.DType.Name switch
        {
            "int8" => Tf.Constant(new ReadOnlySpan<sbyte>(bytes, count), entry.Shape),
            "uint8" => Tf.Constant(new ReadOnlySpan<byte>(bytes, count), entry.Shape),
            "int16" => Tf.Constant(new ReadOnlySpan<short>(bytes, count), entry.Shape),
            "int32" => Tf.Constant(new ReadOnlySpan<int>(bytes, count), entry.Shape),
            "int64" => Tf.Constant(new ReadOnlySpan<long>(bytes, count), entry.Shape),
            "float16" => Tf.Constant(new ReadOnlySpan<Half>(bytes, count), entry.Shape),
            "bfloat16" => Tf.Constant(new ReadOnlySpan<BFloat16>(bytes, count), entry.Shape),
            "float32" => Tf.Constant(new ReadOnlySpan<float>(bytes, count), entry.Shape),
            _ => Tf.Constant(new ReadOnlySpan<double>(bytes, count), entry.Shape),
        };
    }

    public void Dispose()
    {
        if (_data is not null)
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _data = null;
        }

        _view?.Dispose();
        _map?.Dispose();
        _stream.Dispose();
    }

    // The data buffer, mapped on the first non-empty tensor (an empty data buffer cannot be mapped, and need not be).
    private byte* Data()
    {
        if (_data is null)
        {
            long length = _stream.Length - Header.DataStart;
            _map = MemoryMappedFile.CreateFromFile(_stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(Header.DataStart, length, MemoryMappedFileAccess.Read);
            byte* start = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            _data = start + _view.PointerOffset;
        }

        return _data;
    }
}
