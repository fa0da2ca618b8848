using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Google.Protobuf;
using Nabla.Keras.Callbacks.TensorBoardEvents;

namespace Nabla.Keras.Callbacks;

/// <summary>
/// Writes one TensorBoard event file (TensorFlow's <c>tf.summary.create_file_writer</c>'s format): a sequence of
/// records, each the data's length (uint64, little-endian), the masked CRC32C of those 8 bytes, the data (an
/// <c>Event</c> protocol buffer) and the data's masked CRC32C. The first record says <c>brain.Event:2</c>.
/// The file is named as TensorFlow names it, <c>events.out.tfevents.{seconds}.{host}.{pid}.{counter}.v2</c>.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    // Wall time is part of the format (each event's wall_time, the file's name): metadata for TensorBoard's time axis
    // that never feeds back into training, so reading the clock here costs no reproducibility.
    private static readonly TimeProvider s_clock = TimeProvider.System;
    private static int s_counter;
    private readonly FileStream _stream;

    /// <summary>Creates the folder when missing and a new event file in it.</summary>
    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        long seconds = s_clock.GetUtcNow().ToUnixTimeSeconds();
        int counter = Interlocked.Increment(ref s_counter);
        FilePath = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{seconds:D10}.{Environment.MachineName}.{Environment.ProcessId}.{counter}.v2"));
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(new Event { WallTime = WallTime(), Step = 0, FileVersion = "brain.Event:2" });
        Flush();
    }

    /// <summary>The event file's path.</summary>
    public string FilePath { get; }

    /// <summary>Writes a scalar summary (<c>simple_value</c>) at <paramref name="step"/>.</summary>
    public void WriteScalar(string tag, double value, long step)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
        Write(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    /// <summary>Writes a histogram summary of <paramref name="values"/> at <paramref name="step"/>.</summary>
    public void WriteHistogram(string tag, ReadOnlySpan<double> values, long step)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Histo = Histograms.Compute(values) });
        Write(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    /// <summary>Pushes what was written to the file, so TensorBoard sees it while training runs.</summary>
    public void Flush() => _stream.Flush(flushToDisk: false);

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private void Write(Event message)
    {
        byte[] data = message.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(footer);
    }

    private static double WallTime() => (s_clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>
    /// TensorFlow's masked CRC32C (Castagnoli): the CRC rotated right by 15 bits plus 0xa282ead8, so that a CRC of
    /// data holding CRCs stays well distributed. <see cref="BitOperations.Crc32C(uint, byte)"/> is the hardware
    /// instruction when there is one; it leaves the initial and final inversions to the caller.
    /// </summary>
    internal static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
