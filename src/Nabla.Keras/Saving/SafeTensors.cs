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
                stream.Write(Bytes(pair.Value));
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
        byte[] file = ReadAll(path);
        SafeTensorsHeader header = SafeTensorsHeader.Parse(file, path);
        var result = new List<KeyValuePair<string, Tensor>>(header.Entries.Count);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            result.Add(new(entry.Name, Decode(file, header, entry, path)));
        }

        metadata = header.Metadata;
        return result;
    }

    /// <summary>The validated header entries of a safetensors file (name, dtype, shape, byte range), in header order.</summary>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is corrupt.</exception>
    public static IReadOnlyList<SafeTensorsEntry> ReadHeader(string path) => SafeTensorsHeader.Parse(ReadAll(path), path).Entries;

    /// <summary>The whole file; <see cref="FileNotFoundException"/> and the like pass through.</summary>
    internal static byte[] ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EnsureLittleEndian();
        return File.ReadAllBytes(path);
    }

    /// <summary>The tensor of <paramref name="entry"/>, from a file whose header has been validated.</summary>
    internal static Tensor Decode(byte[] file, SafeTensorsHeader header, SafeTensorsEntry entry, string path)
    {
        ReadOnlySpan<byte> bytes = file.AsSpan((int)(header.DataStart + entry.Begin), (int)(entry.End - entry.Begin));
        if (entry.DType == DType.Bool)
        {
            var values = new bool[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                values[i] = bytes[i] switch
                {
                    0 => false,
                    1 => true,
                    _ => throw SafeTensorsHeader.Invalid(path, $"tensor '{entry.Name}' of dtype BOOL holds the byte {bytes[i]} (only 0 and 1 are booleans)"),
                };
            }

            return Tf.Constant(values, entry.Shape);
        }

        return entry.DType.Name switch
        {
            "int8" => Tf.Constant(MemoryMarshal.Cast<byte, sbyte>(bytes), entry.Shape),
            "uint8" => Tf.Constant(bytes, entry.Shape),
            "int16" => Tf.Constant(MemoryMarshal.Cast<byte, short>(bytes), entry.Shape),
            "int32" => Tf.Constant(MemoryMarshal.Cast<byte, int>(bytes), entry.Shape),
            "int64" => Tf.Constant(MemoryMarshal.Cast<byte, long>(bytes), entry.Shape),
            "float16" => Tf.Constant(MemoryMarshal.Cast<byte, Half>(bytes), entry.Shape),
            "bfloat16" => Tf.Constant(MemoryMarshal.Cast<byte, BFloat16>(bytes), entry.Shape),
            "float32" => Tf.Constant(MemoryMarshal.Cast<byte, float>(bytes), entry.Shape),
            _ => Tf.Constant(MemoryMarshal.Cast<byte, double>(bytes), entry.Shape),
        };
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

    private static ReadOnlySpan<byte> Bytes(Tensor tensor) => tensor.DType.Name switch
    {
        "bool" => MemoryMarshal.AsBytes<bool>(tensor.ToArray<bool>()),
        "int8" => MemoryMarshal.AsBytes<sbyte>(tensor.ToArray<sbyte>()),
        "uint8" => tensor.ToArray<byte>(),
        "int16" => MemoryMarshal.AsBytes<short>(tensor.ToArray<short>()),
        "int32" => MemoryMarshal.AsBytes<int>(tensor.ToArray<int>()),
        "int64" => MemoryMarshal.AsBytes<long>(tensor.ToArray<long>()),
        "float16" => MemoryMarshal.AsBytes<Half>(tensor.ToArray<Half>()),
        "bfloat16" => MemoryMarshal.AsBytes<BFloat16>(tensor.ToArray<BFloat16>()),
        "float32" => MemoryMarshal.AsBytes<float>(tensor.ToArray<float>()),
        _ => MemoryMarshal.AsBytes<double>(tensor.ToArray<double>()),
    };

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors files are little-endian; this reader and writer need a little-endian machine.");
        }
    }
}
