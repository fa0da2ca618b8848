using System.IO.Compression;
using System.Text;
using Nabla.IO;

namespace Nabla.Tests.IO;

public sealed class NumPyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nabla-numpy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveLoad_RoundTripsEveryDType_IncludingBFloat16()
    {
        var random = new Random(7);
        double[] values = [.. Enumerable.Range(0, 24).Select(_ => Math.Round((random.NextDouble() * 20) - 10, 1))];
        foreach (DType dtype in (DType[])[DType.Bool, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16, DType.Float32, DType.Float64])
        {
            Tensor tensor = Tf.Cast(Tf.Constant(values, [2, 3, 4]), dtype);
            string path = Path.Combine(_dir, dtype.Name + ".npy");
            NumPy.Save(path, tensor);
            NumPyFixtureTests.AssertEqual(tensor, NumPy.Load(path));
        }

        NumPy.Save(Path.Combine(_dir, "bf16.npy"), Tf.Cast(Tf.Constant(1.5f), DType.BFloat16));
        Assert.Contains("'descr': '<V2'", Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(_dir, "bf16.npy"))), StringComparison.Ordinal);
    }

    [Fact]
    public void SaveZ_StoredAndCompressed_RoundTrip_AsZipsOfNpyEntries()
    {
        var arrays = new Dictionary<string, Tensor>
        {
            ["x"] = Tf.Constant(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]),
            ["labels"] = Tf.Constant(new long[] { 3, 1, 4 }),
            ["flag"] = Tf.Constant(true),
        };
        string stored = Path.Combine(_dir, "a.npz"), deflated = Path.Combine(_dir, "b.npz");
        NumPy.SaveZ(stored, arrays);
        NumPy.SaveZCompressed(deflated, arrays);
        foreach (string path in (string[])[stored, deflated])
        {
            Dictionary<string, Tensor> loaded = NumPy.LoadZ(path);
            Assert.Equal(arrays.Keys, loaded.Keys);
            foreach ((string name, Tensor tensor) in arrays)
            {
                NumPyFixtureTests.AssertEqual(tensor, loaded[name]);
            }
        }

        using ZipArchive zip = ZipFile.OpenRead(stored);
        Assert.Equal(["x.npy", "labels.npy", "flag.npy"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        using ZipArchive compressed = ZipFile.OpenRead(deflated);
        Assert.Contains(compressed.Entries, e => e.CompressedLength < e.Length);
    }

    [Fact]
    public void Open_FortranOrderRows_NotSupported_ScalarHasNoRows()
    {
        string fortran = Path.Combine(_dir, "f.npy");
        File.WriteAllBytes(fortran, Npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", new byte[32]));
        using NpyFile file = NumPy.Open(fortran);
        Assert.Throws<NotSupportedException>(() => file.ReadRows(0, 1));
        string scalar = Path.Combine(_dir, "s.npy");
        NumPy.Save(scalar, Tf.Constant(2.5));
        using NpyFile scalarFile = NumPy.Open(scalar);
        Assert.Throws<InvalidOperationException>(() => scalarFile.ReadRows(0, 1));
        Assert.Equal(2.5, scalarFile.Read().Item<double>());
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20, "is truncated")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28, "holds more data than its header's shape")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", 24, "more than a tensor can hold")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,), }", 24, "malformed header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", 24, "malformed header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", 24, "missing key")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,), }", 24, "fortran_order that is not True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1, }", 24, "unexpected or repeated key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,) ", 24, "'}' expected")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 24, "repeated key 'descr'")]
    public void Load_CorruptFile_ThrowsClearlyBeforeAllocating(string header, int dataBytes, string message)
    {
        string path = Path.Combine(_dir, "bad.npy");
        File.WriteAllBytes(path, Npy(header, new byte[dataBytes]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => NumPy.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("bad.npy", error.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 1 << 20);
        Assert.Throws<InvalidDataException>(() => NumPy.Open(path).Dispose());
    }

    [Theory]
    [InlineData("<u2", "'<u2'")]
    [InlineData("<c16", "'<c16'")]
    [InlineData("|O", "'|O'")]
    public void Load_DTypeNablaHasNot_NamesIt(string descr, string message)
    {
        string path = Path.Combine(_dir, "u.npy");
        File.WriteAllBytes(path, Npy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}", new byte[16]));
        Assert.Contains(message, Assert.Throws<NotSupportedException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, Npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        Assert.Contains("structured", Assert.Throws<NotSupportedException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadMagicVersionOrHeaderLength_AndTruncatedNpzEntry()
    {
        string path = Path.Combine(_dir, "m.npy");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("PK not numpy"));
        Assert.Contains("not a .npy file", Assert.Throws<InvalidDataException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);
        byte[] valid = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        byte[] version = (byte[])valid.Clone();
        version[6] = 4;
        File.WriteAllBytes(path, version);
        Assert.Contains("version 4.0", Assert.Throws<InvalidDataException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);
        byte[] longHeader = (byte[])valid.Clone();
        longHeader[8] = 0xFF;
        longHeader[9] = 0xFF;
        File.WriteAllBytes(path, longHeader);
        Assert.Contains("65535-byte header", Assert.Throws<InvalidDataException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, valid[..40]);
        Assert.Contains("truncated inside its header", Assert.Throws<InvalidDataException>(() => NumPy.Load(path)).Message, StringComparison.Ordinal);

        string npz = Path.Combine(_dir, "t.npz");
        using (var zip = new ZipArchive(File.Create(npz), ZipArchiveMode.Create))
        {
            using Stream entry = zip.CreateEntry("w.npy", CompressionLevel.Optimal).Open();
            entry.Write(valid.AsSpan(0, valid.Length - 2));
        }

        string message = Assert.Throws<InvalidDataException>(() => NumPy.LoadZ(npz)).Message;
        Assert.Contains("t.npz[w.npy] is truncated", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_SymbolicTensorOrBadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => NumPy.Save(string.Empty, Tf.Constant(1f)));
        Assert.Throws<ArgumentNullException>(() => NumPy.Save(Path.Combine(_dir, "n.npy"), null!));
        Assert.Throws<ArgumentException>(() => NumPy.SaveZ(Path.Combine(_dir, "n.npz"), new Dictionary<string, Tensor> { [string.Empty] = Tf.Constant(1f) }));
        Assert.False(File.Exists(Path.Combine(_dir, "n.npz")));
    }

    /// <summary>A version 1.0 file: magic, header padded to 64 bytes and ended by a newline, data.</summary>
    private static byte[] Npy(string dict, byte[] data)
    {
        int length = dict.Length + 1;
        length += (64 - ((10 + length) % 64)) % 64;
        byte[] header = Encoding.Latin1.GetBytes(dict.PadRight(length - 1) + "\n");
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8), .. header, .. data];
    }
}

/// <summary>
/// The large-file test runs alone (tens of megabytes alive at once would disturb the tests that measure the
/// process's memory, such as TapeThreadingTests.FitDataLoop_NonPersistentTape_MemoryStaysBounded).
/// </summary>
[Collection(NumPyLargeFileTests.Name)]
public sealed class NumPyLargeFileTests : IDisposable
{
    public const string Name = "NumPy large files";

    private readonly string _dir = Directory.CreateTempSubdirectory("nabla-numpy-large-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_MemoryMapsALargeFile_AndReadsRowRanges()
    {
        // 2M float32 (8 MB): rows are read from the mapping without loading the rest.
        int rows = 1 << 16, columns = 32;
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 1009) - 500.5f;
        }

        string path = Path.Combine(_dir, "large.npy");
        NumPy.Save(path, Tf.Constant(values, [rows, columns]));
        using NpyFile file = NumPy.Open(path);
        Assert.Equal([rows, columns], file.Shape.ToArray());
        Assert.Equal(DType.Float32, file.DType);
        Tensor slice = file.ReadRows(40000, 3);
        Assert.Equal([3, columns], slice.Shape.ToArray());
        Assert.Equal(values.AsSpan(40000 * columns, 3 * columns).ToArray(), slice.ToArray<float>());
        Assert.Equal([0, columns], file.ReadRows(rows, 0).Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(rows - 1, 2));
        Assert.Equal(values, file.Read().ToArray<float>());
    }
}

[CollectionDefinition(NumPyLargeFileTests.Name, DisableParallelization = true)]
public sealed class NumPyLargeFileCollectionDefinition;
