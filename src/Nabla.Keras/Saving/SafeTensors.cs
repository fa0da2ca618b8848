using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Nabla.Keras.Saving;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's): an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}</c> padded with
/// spaces to a multiple of 8 bytes, then the tensors' raw little-endian bytes, back to back. Files are written to a
/// temporary file beside the target and renamed over it, so a crash never leaves half a file.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (in order) and optional <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write (replaced when it exists).</param>
    /// <param name="tensors">The tensors by name; names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Free-form string pairs stored under <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">When a name is empty, repeated or reserved.</exception>
    public static void Save(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        EnsureLittleEndian();
        byte[] header = BuildHeader(path, tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (KeyValuePair<string, Tensor> pair in tensors)
            {
                WriteData(stream, pair.Value);
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file, in header order, after validating the whole file.</summary>
    /// <exception cref="InvalidDataException">When the file is truncated, its header is corrupt or a dtype is unsupported.</exception>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor and the <c>__metadata__</c> of a safetensors file, after validating the whole file.</summary>
    /// <exception cref="InvalidDataException">When the file is truncated, its header is corrupt or a dtype is unsupported.</exception>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using SafeTensorsReader file = SafeTensorsReader.Open(path);
        var result = new List<KeyValuePair<string, Tensor>>(file.Header.Entries.Count);
        foreach (SafeTensorsEntry entry in file.Header.Entries)
        {
            result.Add(new(entry.Name, file.Decode(entry)));
        }

        metadata = file.Header.Metadata;
        return result;
    }

    /// <summary>The validated header entries of a safetensors file (name, dtype, shape, byte range), in header order.</summary>
    /// <remarks>Reads the header only, whatever the size of the file.</remarks>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is corrupt.</exception>
    public static IReadOnlyList<SafeTensorsEntry> ReadHeader(string path)
    {
        using SafeTensorsReader file = SafeTensorsReader.Open(path);
        return file.Header.Entries;
    }

    private static byte[] BuildHeader(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (KeyValuePair<string, string> item in metadata)
                {
                    writer.WriteString(item.Key, item.Value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, Tensor tensor) in tensors)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                if (string.IsNullOrEmpty(name) || name == "__metadata__" || !names.Add(name))
                {
                    throw new ArgumentException(
                        $"SafeTensors.Save '{path}': tensor name '{name}' is empty, reserved or repeated; names must be unique.", nameof(tensors));
                }

                long size = (long)tensor.Size * tensor.DType.Size;
                writer.WriteStartObject(name);
                writer.WriteString("dtype", SafeTensorsHeader.Tag(tensor.DType));
                writer.WriteStartArray("shape");
                foreach (int dim in tensor.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + size);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += size;
            }

            writer.WriteEndObject();
        }

        // Pad with spaces so the data buffer starts 8-byte aligned (8 + header length is a multiple of 8).
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        switch (tensor.DType.Name)
        {
            case "bool": WriteData(stream, tensor.ToArray<bool>()); break;
            case "int8": WriteData(stream, tensor.ToArray<sbyte>()); break;
            case "uint8": WriteData(stream, tensor.ToArray<byte>()); break;
            case "int16": WriteData(stream, tensor.ToArray<short>()); break;
            case "int32": WriteData(stream, tensor.ToArray<int>()); break;
            case "int64": WriteData(stream, tensor.ToArray<long>()); break;
            case "float16": WriteData(stream, tensor.ToArray<Half>()); break;
            case "bfloat16": WriteData(stream, tensor.ToArray<BFloat16>()); break;
            case "float32": WriteData(stream, tensor.ToArray<float>()); break;
            default: WriteData(stream, tensor.ToArray<double>()); break;
        }
    }

    // A gigabyte at a time: the bytes of a tensor above 2 GiB (600 million float32) do not fit one byte span.
    private static void WriteData<T>(Stream stream, T[] values)
        where T : unmanaged
    {
        int chunk = (1 << 30) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        ReadOnlySpan<T> rest = values;
        while (!rest.IsEmpty)
        {
            int n = Math.Min(chunk, rest.Length);
            stream.Write(MemoryMarshal.AsBytes(rest[..n]));
            rest = rest[n..];
        }
    }

    internal static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors files are little-endian; this reader and writer need a little-endian machine.");
        }
    }
}
