using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Nabla.Keras.Saving;

namespace Nabla.Keras.Tests.Saving;

public sealed class SaveWeightsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-weights-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A layer holding one variable of every dtype, named <c>{prefix}/...</c>, with values from a seed.</summary>
    internal sealed class AllDTypes : Layer
    {
        private readonly Variable _flags;
        private readonly Variable _ints;
        private readonly Variable _longs;
        private readonly Variable _halves;
        private readonly Variable _brains;
        private readonly Variable _floats;
        private readonly Variable _doubles;
        private readonly Variable _scalar;

        public AllDTypes(int seed, string prefix = "all")
            : base(prefix)
        {
            var random = new Random(seed);
            _flags = new Variable(Tf.Constant(new[] { random.Next(2) == 1, true, false, random.Next(2) == 1 }, new Shape(2, 2)), name: $"{prefix}/flags");
            _ints = new Variable(Tf.Constant(new[] { int.MinValue, int.MaxValue, random.Next(), -1, 0, 7 }, new Shape(3, 2)), name: $"{prefix}/ints");
            _longs = new Variable(Tf.Constant(new[] { long.MinValue, long.MaxValue, random.NextInt64() }, new Shape(3)), name: $"{prefix}/longs");
            _halves = new Variable(Tf.Constant(new[] { (Half)random.NextSingle(), Half.NaN, Half.NegativeZero, Half.PositiveInfinity }, new Shape(1, 4)), name: $"{prefix}/halves");
            _brains = new Variable(Tf.Constant(new[] { BFloat16.FromSingle(random.NextSingle()), BFloat16.FromSingle(-3.5f) }, new Shape(2)), name: $"{prefix}/brains", trainable: false);
            _floats = new Variable(Tf.Constant(new[] { random.NextSingle(), float.NaN, -0f, float.NegativeInfinity, float.Epsilon, 1e30f }, new Shape(2, 1, 3)), name: $"{prefix}/floats");
            _doubles = new Variable(Tf.Constant(new[] { random.NextDouble(), double.MaxValue }, new Shape(2)), name: $"{prefix}/doubles");
            _scalar = new Variable(Tf.Constant(new[] { random.NextDouble() }, Shape.Scalar), name: $"{prefix}/scalar");
        }

        public override Tensor Call(Tensor inputs, bool training = false) => inputs;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Each variable's bytes, to check that a failed load assigned nothing.</summary>
    internal static List<byte[]> Snapshot(Layer layer) => [.. layer.Variables.Select(RawBytes)];

    internal static byte[] RawBytes(Tensor t) => t.DType.Name switch
    {
        "bool" => MemoryMarshal.AsBytes<bool>(t.ToArray<bool>()).ToArray(),
        "int32" => MemoryMarshal.AsBytes<int>(t.ToArray<int>()).ToArray(),
        "int64" => MemoryMarshal.AsBytes<long>(t.ToArray<long>()).ToArray(),
        "float16" => MemoryMarshal.AsBytes<Half>(t.ToArray<Half>()).ToArray(),
        "bfloat16" => MemoryMarshal.AsBytes<BFloat16>(t.ToArray<BFloat16>()).ToArray(),
        "float32" => MemoryMarshal.AsBytes<float>(t.ToArray<float>()).ToArray(),
        _ => MemoryMarshal.AsBytes<double>(t.ToArray<double>()).ToArray(),
    };

    [Fact]
    public void SaveLoad_AllDTypes_RoundTripsBitExact()
    {
        var source = new AllDTypes(seed: 1);
        var target = new AllDTypes(seed: 2);
        string path = PathOf("all.safetensors");
        source.SaveWeights(path);
        Assert.NotEqual(Snapshot(source).SelectMany(b => b), Snapshot(target).SelectMany(b => b));
        target.LoadWeights(path);
        List<byte[]> expected = Snapshot(source);
        List<byte[]> actual = Snapshot(target);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
            Assert.Equal(source.Variables[i].DType, target.Variables[i].DType);
        }
    }

    [Fact]
    public void SafeTensors_NarrowIntegers_RoundTripWithTheirTags()
    {
        string path = PathOf("narrow.safetensors");
        KeyValuePair<string, Tensor>[] tensors =
        [
            new("i8", Tf.Constant(new sbyte[,] { { -128, 127 }, { 0, -1 } })),
            new("u8", Tf.Constant(new byte[] { 0, 200, 255 })),
            new("i16", Tf.Constant(new short[] { short.MinValue, 12345, short.MaxValue })),
        ];
        SafeTensors.Save(path, tensors);
        Assert.Equal(["I8", "U8", "I16"], ReadHeaderTags(path));
        var loaded = SafeTensors.Load(path);
        Assert.Equal(new sbyte[] { -128, 127, 0, -1 }, loaded[0].Value.ToArray<sbyte>());
        Assert.Equal([2, 2], loaded[0].Value.Shape.ToArray());
        Assert.Equal(new byte[] { 0, 200, 255 }, loaded[1].Value.ToArray<byte>());
        Assert.Equal(new short[] { short.MinValue, 12345, short.MaxValue }, loaded[2].Value.ToArray<short>());
    }

    // The "dtype" tags of the header, read with System.Text.Json from the format's layout (8-byte length, JSON).
    private static List<string> ReadHeaderTags(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, length));
        return [.. header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Value.GetProperty("dtype").GetString()!)];
    }

    [Fact]
    public void SafeTensorsLoad_AllDTypes_NamesShapesAndDTypes()
    {
        var source = new AllDTypes(seed: 3);
        string path = PathOf("all.safetensors");
        source.SaveWeights(path);
        var loaded = SafeTensors.Load(path, out IReadOnlyDictionary<string, string> metadata);
        // Keys are the weights' places in the structure: within the root layer "all", its variables' own names.
        Assert.Equal(source.Variables.Select(v => v.Name["all/".Length..^2]), loaded.Select(p => p.Key));
        Assert.Equal(source.Variables.Select(v => v.Shape), loaded.Select(p => p.Value.Shape));
        Assert.Equal(source.Variables.Select(v => v.DType), loaded.Select(p => p.Value.DType));
        Assert.Equal("nabla.keras", metadata["format"]);
        Assert.Equal("all", metadata["model"]);
        Assert.Equal("structure", metadata["keys"]);
    }

    [Fact]
    public void SaveWeights_Dense_FileFollowsTheFormatRules()
    {
        Backend.ClearSession();
        var model = new Sequential(new Dense(3, inputShape: [2]), new Dense(1));
        string path = PathOf("dense.safetensors");
        model.SaveWeights(path);
        byte[] file = File.ReadAllBytes(path);

        // Parsed by the format's rules alone, without the library's reader.
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, (8 + n) % 8);
        Assert.Equal((byte)'{', file[8]);
        string headerText = Encoding.UTF8.GetString(file, 8, (int)n);
        Assert.Equal(headerText.TrimEnd(' ').Length, headerText.TrimEnd().Length);
        Assert.True(headerText.TrimEnd(' ').EndsWith('}'));
        using JsonDocument header = JsonDocument.Parse(headerText);
        var names = header.RootElement.EnumerateObject().Select(p => p.Name).Where(k => k != "__metadata__").ToList();
        Assert.Equal(["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"], names);
        Assert.Equal(JsonValueKind.String, header.RootElement.GetProperty("__metadata__").GetProperty("format").ValueKind);
        long dataLength = file.Length - 8 - (long)n;
        long covered = 0;
        int index = 0;
        foreach (Variable variable in model.Variables)
        {
            JsonElement entry = header.RootElement.GetProperty(names[index++]);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(variable.Shape.ToArray(), entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            long begin = entry.GetProperty("data_offsets")[0].GetInt64();
            long end = entry.GetProperty("data_offsets")[1].GetInt64();
            Assert.Equal(covered, begin);
            Assert.Equal(variable.Size * 4, end - begin);
            float[] expected = variable.ToArray<float>();
            for (int i = 0; i < expected.Length; i++)
            {
                float value = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan((int)(8 + (long)n + begin + (4 * i))));
                Assert.Equal(expected[i], value);
            }

            covered = end;
        }

        Assert.Equal(dataLength, covered);
    }

    [Fact]
    public void LoadWeights_FreshModelAfterClearSession_PredictsTheSame()
    {
        Backend.ClearSession();
        var first = new Sequential(new Dense(4, "relu", inputShape: [3]), new Dense(2));
        string path = PathOf("model.safetensors");
        first.SaveWeights(path);
        Backend.ClearSession();
        var second = new Sequential(new Dense(4, "relu", inputShape: [3]), new Dense(2));
        Tensor x = Tf.Constant(new float[,] { { 1, -2, 3 }, { 0.5f, 0.25f, -1 } });
        Assert.NotEqual(first.Predict(x).ToArray<float>(), second.Predict(x).ToArray<float>());
        second.LoadWeights(path);
        Assert.Equal(first.Predict(x).ToArray<float>(), second.Predict(x).ToArray<float>());
    }

    [Fact]
    public void SaveWeights_ReplacesExistingFile_LeavesNoTemporaryFile()
    {
        string path = PathOf("replace.safetensors");
        File.WriteAllText(path, "old contents");
        new AllDTypes(seed: 4).SaveWeights(path);
        Assert.Equal([path], Directory.GetFiles(_directory));
        var target = new AllDTypes(seed: 5);
        target.LoadWeights(path);
        Assert.Equal(Snapshot(new AllDTypes(seed: 4)), Snapshot(target));
    }

    [Fact]
    public void SaveWeights_VariablesOfOneName_KeyedByPlaceAndReloaded()
    {
        string path = PathOf("twins.safetensors");
        new Twins(1, 2).SaveWeights(path);
        Assert.Equal(["twin/w", "twin/w_1"], SafeTensors.ReadHeader(path).Select(e => e.Name));
        var target = new Twins(5, 6);
        target.LoadWeights(path);
        Assert.Equal(Snapshot(new Twins(1, 2)), Snapshot(target));
    }

    [Fact]
    public void ReadmeExample_TrainsPredictsAndSaves()
    {
        var random = new Random(42);
        float[] pixels = [.. Enumerable.Range(0, 20 * 64).Select(_ => random.NextSingle())];
        int[] labels = [.. Enumerable.Range(0, 20).Select(i => i % 10)];
        Tensor x = Tf.Constant(pixels, new Shape(20, 64));
        Tensor y = Tf.Constant(labels, new Shape(20));
        Tensor xTest = x;

        var model = new Sequential(
            new Dense(64, "relu", inputShape: [64]),
            new Dense(10, "softmax"));
        model.Compile(new Optimizers.Adam(0.002), new Losses.SparseCategoricalCrossentropy());
        History history = model.Fit(x, y, epochs: 2, batchSize: 32);
        Tensor probabilities = model.Predict(xTest);
        string path = PathOf("digits.safetensors");
        model.SaveWeights(path);

        Assert.Equal(2, history.Loss.Count);
        Assert.Equal(new Shape(20, 10), probabilities.Shape);
        Assert.Equal(4, SafeTensors.ReadHeader(path).Count);
    }

    private sealed class Twins(float a, float b) : Layer
    {
        private readonly Variable _a = new(Tf.Constant(new[] { a }, new Shape(1)), name: "twin/w");
        private readonly Variable _b = new(Tf.Constant(new[] { b }, new Shape(1)), name: "twin/w");

        public override Tensor Call(Tensor inputs, bool training = false) => inputs + _a + _b;
    }
}
