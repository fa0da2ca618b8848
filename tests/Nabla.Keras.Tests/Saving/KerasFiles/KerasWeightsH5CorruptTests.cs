using PureHDF;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary>Every damaged or mismatched <c>.weights.h5</c> gives a clear error and assigns nothing.</summary>
public sealed class KerasWeightsH5CorruptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-h5-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static TException LoadFails<TException>(Layer model, string path)
        where TException : Exception
    {
        List<byte[]> before = SaveWeightsTests.Snapshot(model);
        TException error = Assert.Throws<TException>(() => model.LoadWeights(path));
        Assert.Equal(before, SaveWeightsTests.Snapshot(model));
        return error;
    }

    [Fact]
    public void LoadWeights_NotHdf5_InvalidDataNamingTheFile()
    {
        string path = PathOf("text.weights.h5");
        File.WriteAllText(path, "this is not an HDF5 file, just text long enough to look like a header or two........");
        var error = LoadFails<InvalidDataException>(KerasWeightsH5Tests.Mlp(1), path);
        Assert.Contains("text.weights.h5", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable HDF5 file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(0.97)]
    public void LoadWeights_Truncated_InvalidDataAndNothingAssigned(double keep)
    {
        string path = PathOf("cut.weights.h5");
        KerasWeightsH5Tests.Mlp(2, hidden: 64).SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var error = LoadFails<InvalidDataException>(KerasWeightsH5Tests.Mlp(3, hidden: 64), path);
        Assert.Contains("cut.weights.h5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_WrongShape_NamesDatasetAndBothShapes()
    {
        string path = PathOf("narrow.weights.h5");
        KerasWeightsH5Tests.Mlp(4, hidden: 4).SaveWeights(path);
        var error = LoadFails<ArgumentException>(KerasWeightsH5Tests.Mlp(5, hidden: 6), path);
        Assert.Contains("'layers/dense/vars/0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 6)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_WrongDType_NamesBothDTypes()
    {
        string path = PathOf("double.weights.h5");
        new Sequential(new Dense(2, inputShape: [3], dtype: DType.Float64)).SaveWeights(path);
        var error = LoadFails<ArgumentException>(new Sequential(new Dense(2, inputShape: [3])), path);
        Assert.Contains("float64", error.Message, StringComparison.Ordinal);
        Assert.Contains("float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_MissingDataset_NamesTheGroup()
    {
        string path = PathOf("missing.weights.h5");
        var vars = new H5Group { ["0"] = new H5Dataset(new float[6], fileDims: [3, 2]) };   // the bias "1" is missing
        new H5File { ["vars"] = new H5Group(), ["layers"] = new H5Group { ["dense"] = new H5Group { ["vars"] = vars } } }.Write(path);
        var error = LoadFails<ArgumentException>(new Sequential(new Dense(2, inputShape: [3])), path);
        Assert.Contains("expects 2 variables, but 'layers/dense/vars' holds 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_MissingLayerGroup_NamesIt()
    {
        string path = PathOf("one-layer.weights.h5");
        new Sequential(new Dense(2, inputShape: [3])).SaveWeights(path);
        var error = LoadFails<ArgumentException>(new Sequential(new Dense(2, inputShape: [3]), new Dense(1)), path);
        Assert.Contains("'layers/dense_1/vars'", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_ExtraLayerInFile_NamesTheUnplacedWeights()
    {
        string path = PathOf("two-layers.weights.h5");
        new Sequential(new Dense(2, inputShape: [3]), new Dense(1)).SaveWeights(path);
        var error = LoadFails<ArgumentException>(new Sequential(new Dense(2, inputShape: [3])), path);
        Assert.Contains("layers/dense_1/vars/0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_Hdf5WithoutKerasLayout_SaysWhatIsMissing()
    {
        string path = PathOf("plain.weights.h5");
        new H5File { ["data"] = new H5Dataset(new double[] { 1, 2 }, fileDims: [2]) }.Write(path);
        var error = LoadFails<InvalidDataException>(new Sequential(new Dense(2, inputShape: [3])), path);
        Assert.Contains("not a Keras weights file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWeights_StringDataset_RefusedNamingItsType()
    {
        string path = PathOf("strings.weights.h5");
        var vars = new H5Group { ["0"] = new H5Dataset(new[] { "a", "b" }, fileDims: [2]) };
        new H5File { ["vars"] = vars }.Write(path);
        var error = LoadFails<InvalidDataException>(new OneVariable(), path);
        Assert.Contains("'vars/0'", error.Message, StringComparison.Ordinal);
    }

    private sealed class OneVariable : Layer
    {
        private readonly Variable _weight = new(Tf.Zeros([2]), name: "weight");

        public override Tensor Call(Tensor inputs, bool training = false) => inputs * _weight;
    }
}
