using System.Buffers.Binary;
using System.Text;
using Nabla.Keras.Saving;

namespace Nabla.Keras.Tests.Saving;

/// <summary>
/// Weights files are read header first and their data mapped, never read whole into one array, with 64-bit offsets
/// (files of 2 GiB and more); a save killed midway leaves a temporary file that the next save removes (issue 16).
/// The large files here are sparse: they take no disk space, and nothing reads their data.
/// </summary>
public sealed class LargeAndStaleWeightsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-large-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    // A file of `length` bytes that starts with `prefix` and is zeros (a hole) after it.
    private string SparseFile(string name, byte[] prefix, long length)
    {
        string path = PathOf(name);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(prefix);
        stream.SetLength(length);
        return path;
    }

    private static byte[] Header(string json)
    {
        byte[] text = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + text.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
        text.CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void LoadWeights_GigabytesOfZeros_RefusedFromTheHeaderWithoutReadingTheData()
    {
        // The issue's 1.9 GB file of zeros was read whole (1.9 GB peak, 9 s) before its header was looked at.
        string path = SparseFile("zeros.safetensors", [], 1_900_000_000L);
        var layer = new SaveWeightsTests.AllDTypes(seed: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => layer.LoadWeights(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated to refuse the file");
    }

    [Fact]
    public void ReadHeader_FileOf3GiB_GivesOffsetsPast2GiB()
    {
        // 600 million float32 (2.4 GB) then 4 more: File.ReadAllBytes refused any file of 2 GiB or more.
        const long Big = 600_000_000L * 4;
        string json = $"{{\"big\":{{\"dtype\":\"F32\",\"shape\":[600000000],\"data_offsets\":[0,{Big}]}}," +
                      $"\"tail\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{Big},{Big + 16}]}}}}";
        byte[] header = Header(json);
        string path = SparseFile("big.safetensors", header, header.Length + Big + 16);

        IReadOnlyList<SafeTensorsEntry> entries = SafeTensors.ReadHeader(path);
        Assert.Equal(["big", "tail"], entries.Select(e => e.Name));
        Assert.Equal(Big, entries[1].Begin);
        Assert.Equal(new Shape(600_000_000), entries[0].Shape);

        // One byte short of what the header covers: refused as truncated, still from the header alone.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(header.Length + Big + 15);
        }

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadHeader(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyTensorsOnly_NeedNoMapping()
    {
        string path = PathOf("empty.safetensors");
        SafeTensors.Save(path, [new("a", Tf.Zeros([0, 3])), new("b", Tf.Zeros([0], DType.Int64))]);
        IReadOnlyList<KeyValuePair<string, Tensor>> loaded = SafeTensors.Load(path);
        Assert.Equal(new Shape(0, 3), loaded[0].Value.Shape);
        Assert.Equal(DType.Int64, loaded[1].Value.DType);
    }

    [Fact]
    public void SaveWeights_RemovesTemporariesOfKilledSaves_ButNotALiveOneOrOthers()
    {
        string path = PathOf("model.safetensors");
        string stale1 = PathOf($".model.safetensors.{Guid.NewGuid():N}.tmp");
        string stale2 = PathOf($".model.safetensors.{Guid.NewGuid():N}.tmp");
        string live = PathOf($".model.safetensors.{Guid.NewGuid():N}.tmp");
        string otherTarget = PathOf($".other.safetensors.{Guid.NewGuid():N}.tmp");
        string notOurs = PathOf(".model.safetensors.backup.tmp");
        foreach (string file in new[] { stale1, stale2, live, otherTarget, notOurs })
        {
            File.WriteAllBytes(file, [1, 2, 3]);
        }

        var layer = new SaveWeightsTests.AllDTypes(seed: 3);
        using (new FileStream(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // A save in progress elsewhere holds its temporary exclusively, as AtomicFile does.
            layer.SaveWeights(path);
        }

        Assert.False(File.Exists(stale1));
        Assert.False(File.Exists(stale2));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));

        var copy = new SaveWeightsTests.AllDTypes(seed: 4);
        copy.LoadWeights(path);
        Assert.Equal(SaveWeightsTests.Snapshot(layer), SaveWeightsTests.Snapshot(copy));
    }
}
