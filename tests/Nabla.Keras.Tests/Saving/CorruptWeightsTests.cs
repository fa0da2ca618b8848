using System.Buffers.Binary;
using System.Text;
using Nabla.Keras.Saving;

namespace Nabla.Keras.Tests.Saving;

public sealed class CorruptWeightsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    // A valid file of AllDTypes(seed 1), and a target layer with other values, to corrupt and load.
    private (string Path, byte[] Bytes, int HeaderEnd) ValidFile()
    {
        string path = PathOf("valid.safetensors");
        new SaveWeightsTests.AllDTypes(seed: 1).SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);
        return (path, bytes, 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    // Loads `bytes` into a fresh layer: it must throw TException naming the file, and leave the weights as they were.
    private TException AssertRejected<TException>(byte[] bytes, Layer? target = null, List<byte[]>? before = null)
        where TException : Exception
    {
        string path = PathOf("corrupt.safetensors");
        File.WriteAllBytes(path, bytes);
        target ??= new SaveWeightsTests.AllDTypes(seed: 2);
        before ??= SaveWeightsTests.Snapshot(target);
        Exception e = Record.Exception(() => target.LoadWeights(path))!;
        Assert.NotNull(e);
        Assert.True(e is TException, $"expected {typeof(TException).Name}, got {e.GetType().Name}: {e.Message}");
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, SaveWeightsTests.Snapshot(target));
        return (TException)e;
    }

    [Fact]
    public void LoadWeights_TruncatedAnywhere_ThrowsInvalidDataAndKeepsWeights()
    {
        (_, byte[] bytes, int headerEnd) = ValidFile();
        int[] cuts = [0, 1, 4, 7, 8, 9, 12, headerEnd / 2, headerEnd - 1, headerEnd, headerEnd + 1, headerEnd + 7, bytes.Length - 8, bytes.Length - 1];
        foreach (int cut in cuts)
        {
            InvalidDataException e = AssertRejected<InvalidDataException>(bytes[..cut]);
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LoadWeights_EveryHeaderByteWithHighBitFlipped_Throws()
    {
        (_, byte[] bytes, int headerEnd) = ValidFile();
        var target = new SaveWeightsTests.AllDTypes(seed: 2);
        List<byte[]> before = SaveWeightsTests.Snapshot(target);
        for (int i = 0; i < headerEnd; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x80;
            AssertRejected<InvalidDataException>(corrupt, target, before);
        }
    }

    [Fact]
    public void LoadWeights_HeaderCharactersReplaced_Throws()
    {
        (_, byte[] bytes, int headerEnd) = ValidFile();
        string header = Encoding.UTF8.GetString(bytes, 8, headerEnd - 8);
        var random = new Random(42);
        const string Replacements = "x{}[]\",:0123456789 ";
        int rejected = 0;
        var target = new SaveWeightsTests.AllDTypes(seed: 2);
        List<byte[]> before = SaveWeightsTests.Snapshot(target);
        List<byte[]> truth = SaveWeightsTests.Snapshot(new SaveWeightsTests.AllDTypes(seed: 1));
        for (int i = 0; i < header.Length; i++)
        {
            char replacement = Replacements[random.Next(Replacements.Length)];
            if (header[i] == replacement)
            {
                continue;
            }

            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[8 + i] = (byte)replacement;
            string path = PathOf("corrupt.safetensors");
            File.WriteAllBytes(path, corrupt);
            Exception? e = Record.Exception(() => target.LoadWeights(path));
            if (e is null)
            {
                // A harmless edit (a letter of the metadata) may load; then it must load the true values.
                Assert.Equal(truth, SaveWeightsTests.Snapshot(target));
                target = new SaveWeightsTests.AllDTypes(seed: 2);
                continue;
            }

            rejected++;
            Assert.True(e is InvalidDataException or ArgumentException, $"byte {i}: {e.GetType().Name}: {e.Message}");
            Assert.Equal(before, SaveWeightsTests.Snapshot(target));
        }

        Assert.True(rejected > header.TrimEnd().Length / 2, $"only {rejected} of {header.Length} edits were rejected");
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(200_000_000UL)]
    public void LoadWeights_HeaderLengthWrong_Throws(ulong length)
    {
        (_, byte[] bytes, _) = ValidFile();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        AssertRejected<InvalidDataException>(bytes);
    }

    [Theory]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "y": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12, "overlapping")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "y": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}}""", 20, "gap")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 12, "cover only")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 4, "past the end")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8, "needs 12 bytes")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}""", 8, "end before")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}""", 8, "non-negative")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}""", 8, "not 2")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2]}}""", 8, "data_offsets")]
    [InlineData("""{"x": {"dtype": "U16", "shape": [4], "data_offsets": [0, 8]}}""", 8, "U16")]
    [InlineData("""{"x": {"shape": [2], "data_offsets": [0, 8]}}""", 8, "dtype")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 8, "twice")]
    [InlineData("""{"x": 3}""", 0, "not a JSON object")]
    [InlineData("""{"__metadata__": {"a": 1}}""", 0, "__metadata__")]
    [InlineData("""{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]""", 8, "JSON")]
    [InlineData("""[1, 2]""", 0, "'{'")]
    [InlineData("""{"x": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}""", 2, "BOOL")]
    public void SafeTensorsLoad_HandMadeBadHeader_ThrowsNamingTheProblem(string header, int dataBytes, string expected)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        file.AsSpan(8 + headerBytes.Length).Fill(7);   // 7 is not a valid BOOL byte
        string path = PathOf("hand.safetensors");
        File.WriteAllBytes(path, file);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_WrongShape_ThrowsNamingVariableAndShapes()
    {
        Backend.ClearSession();
        string path = PathOf("dense.safetensors");
        new Sequential(new Dense(10, inputShape: [64])).SaveWeights(path);
        Backend.ClearSession();
        var wider = new Sequential(new Dense(12, inputShape: [64]));
        ArgumentException e = AssertRejected<ArgumentException>(File.ReadAllBytes(path), wider);
        Assert.Contains("dense/kernel", e.Message, StringComparison.Ordinal);
        Assert.Contains("(64, 12)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(64, 10)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_ExplicitNamesDiffer_ThrowsNamingBoth()
    {
        string path = PathOf("dense.safetensors");
        new Sequential(new Dense(10, inputShape: [64], name: "hidden")).SaveWeights(path);
        var other = new Sequential(new Dense(10, inputShape: [64], name: "output"));
        ArgumentException e = AssertRejected<ArgumentException>(File.ReadAllBytes(path), other);
        Assert.Contains("the layer at 'dense' of sequential", e.Message, StringComparison.Ordinal);
        Assert.Contains("is named 'output', but the file's layer there was named 'hidden'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_OtherStructure_ThrowsListingMissingAndExtra()
    {
        string path = PathOf("dense.safetensors");
        new Sequential(new Dense(4, inputShape: [3]), new Dense(2)).SaveWeights(path);
        var other = new Sequential(new Conv2D(2, [1, 1], inputShape: [3, 3, 4]), new Dense(2));
        ArgumentException e = AssertRejected<ArgumentException>(File.ReadAllBytes(path), other);
        Assert.Contains("Missing from the file: [conv2d/kernel, conv2d/bias]", e.Message, StringComparison.Ordinal);
        Assert.Contains("not in the model: [dense_1/kernel, dense_1/bias]", e.Message, StringComparison.Ordinal);
        Assert.Contains("matched by the model's structure", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_ExtraTensorInFile_Throws()
    {
        string path = PathOf("two.safetensors");
        new Sequential(new Dense(3, inputShape: [2]), new Dense(1)).SaveWeights(path);
        ArgumentException e = AssertRejected<ArgumentException>(File.ReadAllBytes(path), new Sequential(new Dense(3, inputShape: [2])));
        Assert.Contains("not in the model: [dense_1/kernel, dense_1/bias]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_WrongDType_ThrowsNamingBothDTypes()
    {
        string path = PathOf("f64.safetensors");
        // Every weight present and named as the variables are, but "all/floats" saved as float64.
        var target = new SaveWeightsTests.AllDTypes(seed: 2);
        SafeTensors.Save(path, [.. target.Variables.Select(v => new KeyValuePair<string, Tensor>(
            WeightsFile.Key(v), v.Name == "all/floats:0" ? Tf.Cast(v, DType.Float64) : v.ReadValue()))]);
        byte[] bytes = File.ReadAllBytes(path);
        ArgumentException e = AssertRejected<ArgumentException>(bytes, target);
        Assert.Contains("all/floats", e.Message, StringComparison.Ordinal);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_MissingFile_ThrowsFileNotFound()
    {
        var target = new SaveWeightsTests.AllDTypes(seed: 2);
        Assert.Throws<FileNotFoundException>(() => target.LoadWeights(PathOf("absent.safetensors")));
    }
}
