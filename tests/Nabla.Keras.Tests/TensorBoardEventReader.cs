using System.Buffers.Binary;
using System.Text;

namespace Nabla.Keras.Tests;

/// <summary>
/// An event-file reader written for the tests from the format's specification, independent of the writer: records
/// of length (uint64 LE), masked CRC32C of the length, data, masked CRC32C of the data; the data an <c>Event</c>
/// protocol buffer decoded from the wire format (varint, 64-bit, length-delimited and 32-bit fields) with the field
/// numbers of TensorFlow's event.proto and summary.proto.
/// </summary>
internal static class TensorBoardEventReader
{
    private static readonly uint[] s_table = MakeTable();

    /// <summary>One decoded event: a file version, or summary values (scalars and histograms).</summary>
    public sealed record Event(double WallTime, long Step, string? FileVersion, List<Value> Values);

    /// <summary>One summary value: its tag and either a scalar or a histogram.</summary>
    public sealed record Value(string Tag, float? Scalar, Histogram? Histogram);

    /// <summary>A decoded HistogramProto.</summary>
    public sealed record Histogram(double Min, double Max, double Num, double Sum, double SumSquares, List<double> BucketLimit, List<double> Bucket);

    /// <summary>The CRC32C (Castagnoli, reflected polynomial 0x82F63B78) of <paramref name="data"/>, bit by table.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>TensorFlow's mask: rotate right 15 bits, add 0xa282ead8.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8);

    /// <summary>Reads every record of <paramref name="path"/>, checking both CRCs of each.</summary>
    public static List<Event> Read(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Reads every record of <paramref name="bytes"/>, checking both CRCs of each.</summary>
    public static List<Event> Parse(byte[] bytes)
    {
        var events = new List<Event>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12)
            {
                throw new InvalidDataException($"truncated record header at {offset}");
            }

            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
            if (Mask(Crc32C(bytes.AsSpan(offset, 8))) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8)))
            {
                throw new InvalidDataException($"length CRC mismatch at {offset}");
            }

            offset += 12;
            if (length > (ulong)(bytes.Length - offset - 4))
            {
                throw new InvalidDataException($"truncated record data at {offset}");
            }

            var data = bytes.AsSpan(offset, (int)length);
            if (Mask(Crc32C(data)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + (int)length)))
            {
                throw new InvalidDataException($"data CRC mismatch at {offset}");
            }

            events.Add(DecodeEvent(data.ToArray()));
            offset += (int)length + 4;
        }

        return events;
    }

    private static Event DecodeEvent(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var values = new List<Value>();
        foreach ((int field, ulong scalar, byte[]? bytes) in Fields(data))
        {
            switch (field)
            {
                case 1: wallTime = BitConverter.Int64BitsToDouble((long)scalar); break;
                case 2: step = (long)scalar; break;
                case 3: version = Encoding.UTF8.GetString(bytes!); break;
                case 5: values.AddRange(Fields(bytes!).Where(f => f.Field == 1).Select(f => DecodeValue(f.Bytes!))); break;
                default: throw new InvalidDataException($"unexpected Event field {field}");
            }
        }

        return new Event(wallTime, step, version, values);
    }

    private static Value DecodeValue(byte[] data)
    {
        string tag = string.Empty;
        float? scalar = null;
        Histogram? histogram = null;
        foreach ((int field, ulong raw, byte[]? bytes) in Fields(data))
        {
            switch (field)
            {
                case 1: tag = Encoding.UTF8.GetString(bytes!); break;
                case 2: scalar = BitConverter.Int32BitsToSingle((int)raw); break;
                case 5: histogram = DecodeHistogram(bytes!); break;
                default: throw new InvalidDataException($"unexpected Summary.Value field {field}");
            }
        }

        return new Value(tag, scalar, histogram);
    }

    private static Histogram DecodeHistogram(byte[] data)
    {
        double[] stats = new double[5];
        List<double> limits = [], buckets = [];
        foreach ((int field, ulong raw, byte[]? bytes) in Fields(data))
        {
            if (field is >= 1 and <= 5)
            {
                stats[field - 1] = BitConverter.Int64BitsToDouble((long)raw);
            }
            else if (field is 6 or 7)
            {
                // Packed repeated doubles: 8 bytes each.
                for (int i = 0; i < bytes!.Length; i += 8)
                {
                    (field == 6 ? limits : buckets).Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i)));
                }
            }
        }

        return new Histogram(stats[0], stats[1], stats[2], stats[3], stats[4], limits, buckets);
    }

    /// <summary>The wire format's fields: varint (0), 64-bit (1), length-delimited (2), 32-bit (5).</summary>
    private static IEnumerable<(int Field, ulong Scalar, byte[]? Bytes)> Fields(byte[] data)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            ulong key = Varint(data, ref offset);
            int field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    yield return (field, Varint(data, ref offset), null);
                    break;
                case 1:
                    yield return (field, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset)), null);
                    offset += 8;
                    break;
                case 2:
                    int length = (int)Varint(data, ref offset);
                    yield return (field, 0, data.AsSpan(offset, length).ToArray());
                    offset += length;
                    break;
                case 5:
                    yield return (field, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset)), null);
                    offset += 4;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {key & 7}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int offset)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static uint[] MakeTable()
    {
        uint[] table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
