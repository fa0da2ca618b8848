using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Nabla.IO;

/// <summary>
/// The header of a <c>.npy</c> file (NumPy's format, versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>, a
/// version, the header's length (uint16 LE in 1.0, uint32 LE after), then a Python dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c> padded with spaces to a multiple of 64
/// bytes and ended by a newline. The data (<see cref="DataBytes"/> bytes) follows.
/// </summary>
internal sealed record NpyHeader(NpyDType Type, bool FortranOrder, int[] Shape, long DataOffset)
{
    /// <summary>NumPy refuses longer headers by default (its <c>max_header_size</c>), so a corrupted length cannot make us read gigabytes.</summary>
    public const int MaxHeaderSize = 10000;

    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The element count (checked against Nabla's limit when parsed).</summary>
    public int Size => checked((int)Product(Shape));

    /// <summary>The data's length in bytes.</summary>
    public long DataBytes => (long)Size * Type.ItemSize;

    /// <summary>Reads and validates a header from the start of <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">When the header is malformed or describes more elements than a tensor holds.</exception>
    /// <exception cref="NotSupportedException">When the dtype is not one Nabla has.</exception>
    public static NpyHeader Read(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix[..10], 10, throwOnEndOfStream: false);
        if (got < 10 || !prefix[..6].SequenceEqual(s_magic))
        {
            throw new InvalidDataException($"NumPy: {source} is not a .npy file (it does not start with the magic string \\x93NUMPY).");
        }

        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw new InvalidDataException($"NumPy: {source} has format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported.");
        }

        int prefixLength = major == 1 ? 10 : 12;
        if (major != 1 && stream.ReadAtLeast(prefix[10..12], 2, throwOnEndOfStream: false) < 2)
        {
            throw new InvalidDataException($"NumPy: {source} is truncated inside its header.");
        }

        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > MaxHeaderSize)
        {
            throw new InvalidDataException($"NumPy: {source} declares a {headerLength}-byte header; more than {MaxHeaderSize} bytes is taken as corruption.");
        }

        byte[] header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new InvalidDataException($"NumPy: {source} is truncated inside its header ({headerLength} bytes declared).");
        }

        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        (NpyDType type, bool fortran, int[] shape) = NpyHeaderParser.Parse(text, source);
        long count = Product(shape);
        if (count > Array.MaxLength || count * type.ItemSize > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"NumPy: {source} holds shape {FormatShape(shape)} ({count} elements of {type.Descr}), more than a tensor can hold ({Array.MaxLength} elements, {Array.MaxLength} bytes).");
        }

        return new NpyHeader(type, fortran, shape, prefixLength + headerLength);
    }

    /// <summary>
    /// The header NumPy 1.24 writes for a C-order array of <paramref name="descr"/> and <paramref name="shape"/>,
    /// byte for byte: version 1.0 (2.0 past 65535 bytes), room for the first dimension to grow to 21 digits, padding
    /// to a multiple of 64.
    /// </summary>
    public static byte[] Format(string descr, ReadOnlySpan<int> shape)
    {
        var dict = new StringBuilder();
        dict.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ").Append(FormatShape(shape)).Append(", }");
        if (shape.Length > 0)
        {
            // NumPy leaves room for the growth axis (the first in C order) to reach 21 digits, so appending rows never
            // needs a longer header.
            dict.Append(' ', Math.Max(0, 21 - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        }

        int major = dict.Length + 1 + 10 < 65536 ? 1 : 2;
        int prefixLength = major == 1 ? 10 : 12;
        // As NumPy: a full 64 bytes of padding when the header would already end on a boundary.
        int padding = 64 - ((prefixLength + dict.Length + 1) % 64);
        dict.Append(' ', padding).Append('\n');
        byte[] bytes = new byte[prefixLength + dict.Length];
        s_magic.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dict.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)dict.Length);
        }

        Encoding.Latin1.GetBytes(dict.ToString(), bytes.AsSpan(prefixLength));
        return bytes;
    }

    /// <summary>A shape as Python prints a tuple: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape) => shape.Length switch
    {
        0 => "()",
        1 => string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)"),
        _ => "(" + string.Join(", ", shape.ToArray()) + ")",
    };

    private static long Product(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            // Each dimension is at most int.MaxValue, so stopping past Array.MaxLength keeps this from overflowing.
            count = Math.Min(count * d, (long)Array.MaxLength + 1);
        }

        return count;
    }
}
