using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nabla.Keras.Saving;

/// <summary>One tensor's entry in a safetensors header: its name, dtype, shape and byte range in the data buffer.</summary>
/// <param name="Name">The tensor's name (the header key).</param>
/// <param name="DType">Its dtype.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Begin">The offset of its first byte, relative to the start of the data buffer.</param>
/// <param name="End">The offset one past its last byte.</param>
public sealed record SafeTensorsEntry(string Name, DType DType, Shape Shape, long Begin, long End);

/// <summary>
/// A parsed and validated safetensors header: the layout the Hugging Face format specifies, 8 bytes of little-endian
/// header length N, N bytes of UTF-8 JSON (padded with spaces), then the data buffer.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header the format allows (100 MB, as the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>The entries in header order.</summary>
    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>The optional <c>__metadata__</c> (string to string).</summary>
    public Dictionary<string, string> Metadata { get; }

    /// <summary>The file offset of the data buffer (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>The safetensors dtype tag of <paramref name="dtype"/> (<c>F32</c>, <c>BF16</c>, <c>BOOL</c>...).</summary>
    public static string Tag(DType dtype)
    {
        if (dtype == DType.Bool)
        {
            return "BOOL";
        }

        if (dtype == DType.Int8)
        {
            return "I8";
        }

        if (dtype == DType.UInt8)
        {
            return "U8";
        }

        if (dtype == DType.Int16)
        {
            return "I16";
        }

        if (dtype == DType.Int32)
        {
            return "I32";
        }

        if (dtype == DType.Int64)
        {
            return "I64";
        }

        if (dtype == DType.Float16)
        {
            return "F16";
        }

        if (dtype == DType.BFloat16)
        {
            return "BF16";
        }

        return dtype == DType.Float32 ? "F32" : "F64";
    }

    /// <summary>The dtype of a safetensors tag, or <c>null</c> when Nabla has no such dtype.</summary>
    public static DType? FromTag(string tag) => tag switch
    {
        "BOOL" => DType.Bool,
        "I8" => DType.Int8,
        "U8" => DType.UInt8,
        "I16" => DType.Int16,
        "I32" => DType.Int32,
        "I64" => DType.Int64,
        "F16" => DType.Float16,
        "BF16" => DType.BFloat16,
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        _ => null,
    };

    /// <summary>
    /// Reads and validates the header from the start of <paramref name="stream"/>: the 8-byte length, checked against the
    /// format's limit and the stream's length before a byte of JSON is read (a 1.9 GB file of zeros is refused at
    /// once), then the JSON itself, whose byte ranges must tile the rest of the stream exactly.
    /// </summary>
    /// <exception cref="InvalidDataException">When the file is truncated or the header is not a valid safetensors header.</exception>
    public static SafeTensorsHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length (truncated?)");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long available = fileLength - 8;
        if (headerLength > MaxHeaderBytes)
        {
            throw Invalid(path, $"the header length {headerLength} exceeds the format's limit of {MaxHeaderBytes} bytes");
        }

        if ((long)headerLength > available)
        {
            throw Invalid(path, $"the header length {headerLength} runs past the end of the file ({available} bytes follow the length; truncated?)");
        }

        byte[] json = new byte[headerLength];
        stream.ReadExactly(json);
        if (headerLength < 2 || json[0] != (byte)'{')
        {
            throw Invalid(path, "the header does not start with '{'");
        }

        long dataStart = 8 + (long)headerLength;
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "the header is not a JSON object");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Invalid(path, $"the header names '{property.Name}' twice");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, path));
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Prefix(path)}the header is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is DecoderFallbackException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 in a name or string surfaces when the string is read.
            throw new InvalidDataException($"{Prefix(path)}the header is not valid UTF-8 JSON: {e.Message}", e);
        }

        CheckCoverage(entries, fileLength - dataStart, path);
        return new SafeTensorsHeader(entries, metadata, dataStart);
    }

    /// <summary>An <see cref="InvalidDataException"/> naming the file.</summary>
    public static InvalidDataException Invalid(string path, string problem) => new($"{Prefix(path)}{problem}.");

    private static string Prefix(string path) => $"Invalid safetensors file '{path}': ";

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "__metadata__ is not a JSON object of strings");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String || !metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Invalid(path, $"__metadata__ entry '{item.Name}' is not a string or is repeated");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"the entry for tensor '{name}' is not a JSON object");
        }

        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path, $"tensor '{name}' has no \"dtype\" string");
        }

        string tag = dtypeElement.GetString()!;
        DType dtype = FromTag(tag)
            ?? throw Invalid(path, $"tensor '{name}' has dtype \"{tag}\", which Nabla does not support (BOOL, I8, U8, I16, I32, I64, F16, BF16, F32, F64)");
        long[] dims = ReadIntegers(value, "shape", name, path, expectedCount: null);
        long[] offsets = ReadIntegers(value, "data_offsets", name, path, expectedCount: 2);
        long elements = 1;
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
            {
                throw Invalid(path, $"tensor '{name}' has a dimension of {dims[i]}, too large");
            }

            shape[i] = (int)dims[i];
            elements = elements * dims[i];
            if (elements > int.MaxValue)
            {
                throw Invalid(path, $"tensor '{name}' has more than {int.MaxValue} elements");
            }
        }

        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin)
        {
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}], which end before they begin");
        }

        long expectedBytes = elements * dtype.Size;
        if (end - begin != expectedBytes)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' of dtype {tag} and shape [{string.Join(", ", dims)}] needs {expectedBytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}"));
        }

        return new SafeTensorsEntry(name, dtype, new Shape(shape), begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, string name, string path, int? expectedCount)
    {
        if (!entry.TryGetProperty(field, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}' has no \"{field}\" array");
        }

        int count = array.GetArrayLength();
        if (expectedCount is { } n && count != n)
        {
            throw Invalid(path, $"tensor '{name}' has a \"{field}\" array of {count} numbers, not {n}");
        }

        var values = new long[count];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw Invalid(path, $"tensor '{name}' has a \"{field}\" entry that is not a non-negative integer: {item.GetRawText()}");
            }

            values[i++] = v;
        }

        return values;
    }

    // The format requires the byte ranges to tile the data buffer exactly: no gap, no overlap, nothing left over.
    private static void CheckCoverage(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        var sorted = new List<SafeTensorsEntry>(entries);
        sorted.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        foreach (SafeTensorsEntry entry in sorted)
        {
            if (entry.Begin < position)
            {
                throw Invalid(path, $"tensor '{entry.Name}' has data_offsets [{entry.Begin}, {entry.End}] overlapping the previous tensor, which ends at {position}");
            }

            if (entry.Begin > position)
            {
                throw Invalid(path, $"the data buffer has a gap of unused bytes [{position}, {entry.Begin}) before tensor '{entry.Name}'");
            }

            position = entry.End;
        }

        if (position > dataLength)
        {
            throw Invalid(path, $"the tensors' data_offsets end at {position}, past the end of the {dataLength}-byte data buffer (truncated?)");
        }

        if (position < dataLength)
        {
            throw Invalid(path, $"the data buffer has {dataLength} bytes but the tensors cover only {position}");
        }
    }
}
