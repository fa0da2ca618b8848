using System.IO.Compression;
using System.Text;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary>Damaged <c>.keras</c> archives give clear errors naming the file and what is wrong.</summary>
public sealed class KerasModelFileCorruptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nabla-keras-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string SavedModel(string name)
    {
        Tf.Random.SetSeed(71);
        var model = new Sequential(new Dense(3, "relu", inputShape: [2]), new Dense(1));
        string path = PathOf(name);
        model.Save(path);
        return path;
    }

    // Rewrites the archive at path keeping its entries but for `drop`, and replacing `replace`'s bytes.
    private static void Rewrite(string path, string? drop = null, (string Name, byte[] Bytes)? replace = null)
    {
        var entries = new List<(string, byte[])>();
        using (ZipArchive archive = ZipFile.OpenRead(path))
        {
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                using var memory = new MemoryStream();
                using (Stream stream = entry.Open())
                {
                    stream.CopyTo(memory);
                }

                if (entry.FullName != drop)
                {
                    entries.Add((entry.FullName, replace is { } r && r.Name == entry.FullName ? r.Bytes : memory.ToArray()));
                }
            }
        }

        File.Delete(path);
        using ZipArchive rewritten = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, byte[] bytes) in entries)
        {
            using Stream stream = rewritten.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }

    [Fact]
    public void LoadModel_ZipWithoutConfig_NamesTheMissingEntry()
    {
        string path = SavedModel("no-config.keras");
        Rewrite(path, drop: "config.json");
        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("no config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-config.keras", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_ZipWithoutWeights_NamesTheMissingEntry()
    {
        string path = SavedModel("no-weights.keras");
        Rewrite(path, drop: "model.weights.h5");
        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("no model.weights.h5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_NotAZip_SaysSo()
    {
        string path = PathOf("text.keras");
        File.WriteAllText(path, "not a zip archive at all");
        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("not a zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_Truncated_InvalidData()
    {
        string path = SavedModel("cut.keras");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("cut.keras", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_ConfigNotJson_SaysWhere()
    {
        string path = SavedModel("bad-json.keras");
        Rewrite(path, replace: ("config.json", Encoding.UTF8.GetBytes("{\"class_name\": ")));
        var error = Assert.Throws<InvalidDataException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("config.json is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_UnknownLayerClass_NamesIt()
    {
        string path = SavedModel("unknown.keras");
        string config;
        using (ZipArchive archive = ZipFile.OpenRead(path))
        using (var reader = new StreamReader(archive.GetEntry("config.json")!.Open()))
        {
            config = reader.ReadToEnd().Replace("\"class_name\":\"Dense\"", "\"class_name\":\"MysteryLayer\"", StringComparison.Ordinal);
        }

        Rewrite(path, replace: ("config.json", Encoding.UTF8.GetBytes(config)));
        var error = Assert.Throws<NotSupportedException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("MysteryLayer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModel_WeightsOfAnotherArchitecture_NamesTheShapes()
    {
        string path = SavedModel("other.keras");
        Tf.Random.SetSeed(72);
        var wider = new Sequential(new Dense(5, "relu", inputShape: [2]), new Dense(1));
        wider.SaveWeights(PathOf("wider.weights.h5"));
        Rewrite(path, replace: ("model.weights.h5", File.ReadAllBytes(PathOf("wider.weights.h5"))));
        var error = Assert.Throws<ArgumentException>(() => Keras.Models.LoadModel(path));
        Assert.Contains("(2, 5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", error.Message, StringComparison.Ordinal);
    }
}
