namespace Nabla.Onnx.Tests.Export;

/// <summary>
/// Functions traced with unknown dimensions (<c>TensorSpec</c> with <c>null</c>) may contain reshapes whose target is
/// known only when the graph runs (they have no static <c>shape</c>): the exporter refuses them by name rather than
/// failing on the missing attribute or writing a wrong static shape.
/// </summary>
public sealed class UnknownDimsExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nabla-onnx-unknown-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Export_ReshapeOfSeveralRunTimeSizes_ThrowsNamingIt()
    {
        // Einsum with two unknown sizes merges them into one axis through a reshape built from run-time dimensions.
        var signature = new[] { new TensorSpec([null, null, 4], DType.Float32), new TensorSpec([4, 3], DType.Float32) };
        var function = Tf.Function((Tensor a, Tensor b) => Tf.Einsum("abc,cd->abd", a, b), inputSignature: signature);
        ConcreteFunction concrete = function.GetConcreteFunction(signature[0], signature[1]);
        string path = Path.Combine(_folder, "einsum.onnx");
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(concrete, path));
        Assert.Contains("reshape", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown dimensions", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
