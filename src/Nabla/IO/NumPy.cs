using System.IO.Compression;

namespace Nabla.IO;

/// <summary>
/// NumPy's files (<c>np.save</c>/<c>np.load</c>, <c>np.savez</c>/<c>np.savez_compressed</c>): <c>.npy</c> holds one
/// array, <c>.npz</c> a zip of named <c>.npy</c> entries, stored or deflated. Every Nabla dtype is written (see
/// <see cref="NpyDType.DescrOf"/>) and read, in C or Fortran order and either byte order; files are written as
/// NumPy 1.24 writes them, byte for byte. A malformed header, a truncated file or a shape that does not match the
/// data throws <see cref="InvalidDataException"/> before anything the size of the data is allocated.
/// </summary>
public static class NumPy
{
    /// <summary>Writes <paramref name="tensor"/> to a <c>.npy</c> file (NumPy's <c>np.save</c>), through a temporary file.</summary>
    /// <exception cref="ArgumentException">When the tensor is symbolic (it has no values).</exception>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        CheckConcrete(tensor, path);
        WriteAtomically(path, stream => Write(stream, tensor));
    }

    /// <summary>Reads a <c>.npy</c> file into a tensor (NumPy's <c>np.load</c>).</summary>
    /// <exception cref="InvalidDataException">When the file is not a well-formed <c>.npy</c> file whose data matches its header.</exception>
    /// <exception cref="NotSupportedException">When it holds a dtype Nabla has not.</exception>
    public static Tensor Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, stream.Length, path);
    }

    /// <summary>
    /// Opens a <c>.npy</c> file memory-mapped (NumPy's <c>np.load(path, mmap_mode="r")</c>): the header is read and
    /// checked, the data stays on disk, and <see cref="NpyFile.Read"/> or <see cref="NpyFile.ReadRows"/> copy out
    /// what is asked for, so a file larger than memory can be consumed in batches.
    /// </summary>
    public static NpyFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new NpyFile(path);
    }

    /// <summary>Writes named tensors to an uncompressed <c>.npz</c> file (NumPy's <c>np.savez</c>), one <c>{name}.npy</c> entry each.</summary>
    public static void SaveZ(string path, IReadOnlyDictionary<string, Tensor> arrays) => SaveZ(path, arrays, CompressionLevel.NoCompression);

    /// <summary>Writes named tensors to a deflated <c>.npz</c> file (NumPy's <c>np.savez_compressed</c>).</summary>
    public static void SaveZCompressed(string path, IReadOnlyDictionary<string, Tensor> arrays) => SaveZ(path, arrays, CompressionLevel.Optimal);

    /// <summary>
    /// Reads every <c>.npy</c> entry of a <c>.npz</c> file (stored or deflated), by name without the <c>.npy</c>
    /// suffix, in the file's order (NumPy's <c>np.load</c> of an <c>.npz</c>). Entries of other kinds are skipped.
    /// </summary>
    /// <exception cref="InvalidDataException">When the zip or an entry is malformed, truncated or does not match its header.</exception>
    public static Dictionary<string, Tensor> LoadZ(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using ZipArchive zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
            {
                continue;
            }

            string name = entry.FullName[..^4];
            using Stream stream = entry.Open();
            arrays[name] = Read(stream, entry.Length, $"{path}[{entry.FullName}]");
        }

        return arrays;
    }

    private static void SaveZ(string path, IReadOnlyDictionary<string, Tensor> arrays, CompressionLevel level)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(arrays);
        foreach ((string name, Tensor tensor) in arrays)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(arrays));
            ArgumentNullException.ThrowIfNull(tensor, nameof(arrays));
            CheckConcrete(tensor, $"{path}[{name}]");
        }

        WriteAtomically(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach ((string name, Tensor tensor) in arrays)
            {
                using Stream entry = zip.CreateEntry(name + ".npy", level).Open();
                Write(entry, tensor);
            }
        });
    }

    /// <summary>Reads one array: header, checks of the payload's length against it, then the data.</summary>
    internal static Tensor Read(Stream stream, long length, string source)
    {
        NpyHeader header = NpyHeader.Read(stream, source);
        CheckLength(header, length, source);
        Array storage = NpyData.Allocate(header);
        Span<byte> bytes = NpyData.WritableBytes(storage, header);
        if (header.FortranOrder && header.Shape.Length > 1)
        {
            byte[] raw = GC.AllocateUninitializedArray<byte>(bytes.Length);
            ReadExactly(stream, raw, source);
            NpyData.FortranToC(raw, bytes, header.Shape, header.Type.ItemSize);
        }
        else
        {
            ReadExactly(stream, bytes, source);
        }

        NpyData.Normalize(header, bytes);
        return new Tensor(storage, Shape.FromOwnedArray(header.Shape), header.Type.DType);
    }

    /// <summary>The payload must be exactly what the header describes: shorter is truncation, longer a shape that does not match.</summary>
    internal static void CheckLength(NpyHeader header, long length, string source)
    {
        long available = length - header.DataOffset;
        if (available != header.DataBytes)
        {
            string problem = available < header.DataBytes ? "is truncated" : "holds more data than its header's shape";
            throw new InvalidDataException(
                $"NumPy: {source} {problem}: shape {NpyHeader.FormatShape(header.Shape)} of '{header.Type.Descr}' needs {header.DataBytes} bytes of data, the file has {Math.Max(0, available)}.");
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> bytes, string source)
    {
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length || stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"NumPy: {source}'s data does not have the {bytes.Length} bytes its header and size declare.");
        }
    }

    private static void Write(Stream stream, Tensor tensor)
    {
        stream.Write(NpyHeader.Format(NpyDType.DescrOf(tensor.DType), tensor.Shape.Dims));
        stream.Write(NpyData.Bytes(tensor));
    }

    private static void CheckConcrete(Tensor tensor, string target)
    {
        if (tensor.IsSymbolic)
        {
            throw new ArgumentException($"NumPy: cannot save a symbolic tensor (shape {tensor.Shape}, {tensor.DType.Name}) to {target}; it has no values.", nameof(tensor));
        }
    }

    // A temporary file beside the target, renamed over it: a failed or interrupted save leaves any previous file whole.
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".tmp{Environment.ProcessId}-{Guid.NewGuid():N}-{Path.GetFileName(full)}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
