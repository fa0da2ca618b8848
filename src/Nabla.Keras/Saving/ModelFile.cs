using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Nabla.Keras.Saving;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Whole-model files in Keras 3's <c>.keras</c> format (<c>saving_lib.save_model</c>): a zip holding
/// <c>metadata.json</c> (<c>keras_version</c>, <c>date_saved</c>), <c>config.json</c> (the architecture and compile
/// config, <see cref="Layer.GetConfig"/> for each layer) and <c>model.weights.h5</c> (the weights and the optimizer's
/// state in Keras 3's HDF5 layout). Read back with <see cref="Keras.Models.LoadModel"/>.
/// </summary>
public static class ModelFile
{
    /// <summary>The Keras version written in <c>metadata.json</c>: the format this writer follows.</summary>
    public const string KerasVersion = "3.5.0";

    private const string ConfigEntry = "config.json";
    private const string MetadataEntry = "metadata.json";
    private const string WeightsEntry = "model.weights.h5";

    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="path"/> (a <c>.keras</c> name), as Keras's <c>model.save</c>:
    /// architecture, weights and, for a compiled model, the compile config and the optimizer's state. The metrics' running
    /// state is not saved, as Keras 3 saves none (its metrics have no <c>save_own_variables</c>): a loaded model's
    /// metrics start from zero. The file is written beside the target and renamed over it.
    /// </summary>
    /// <exception cref="ArgumentException">When the name does not end in <c>.keras</c>.</exception>
    /// <exception cref="NotSupportedException">When a layer, loss or optimizer cannot be described by a Keras config.</exception>
    public static void Save(this Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Invalid filepath argument: expected a `.keras` extension. Received: filepath={path}", nameof(path));
        }

        // Everything is serialized before the file is touched: a layer without a config fails here, leaving no file.
        string config = ModelConfig.Serialize(model).ToJsonString();
        string metadata = new JsonObject
        {
            ["keras_version"] = KerasVersion,
            // The file records when it was saved, as Keras's does; nothing computed depends on it.
            ["date_saved"] = TimeProvider.System.GetLocalNow().ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
        }.ToJsonString();
        using var weights = new MemoryStream();
        KerasWeightsH5.Save(model, weights, $"{path}:{WeightsEntry}");
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Write(archive, MetadataEntry, Encoding.UTF8.GetBytes(metadata));
            Write(archive, ConfigEntry, Encoding.UTF8.GetBytes(config));
            Write(archive, WeightsEntry, weights.ToArray());
        });
    }

    /// <summary>Loads a <c>.keras</c> file (see <see cref="Keras.Models.LoadModel"/>).</summary>
    internal static Model Load(string path, bool compile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = File.OpenRead(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a .keras file: it is not a zip archive ({e.Message}).", e);
        }

        using (archive)
        {
            JsonObject config = KerasConfigJson(archive, path);
            using MemoryStream weights = Read(archive, WeightsEntry, path);
            Model model = ModelConfig.Deserialize(config);
            if (compile && config["compile_config"] is JsonObject compileConfig)
            {
                CompileConfig.Compile(model, compileConfig);
            }

            KerasWeightsH5.Load(model, weights, $"{path}:{WeightsEntry}");
            return model;
        }
    }

    private static JsonObject KerasConfigJson(ZipArchive archive, string path)
    {
        using MemoryStream bytes = Read(archive, ConfigEntry, path);
        return KerasConfig.Parse(Encoding.UTF8.GetString(bytes.ToArray()), $"'{path}':{ConfigEntry}");
    }

    // An entry's bytes in memory (PureHDF needs a seekable stream; a zip entry is not one).
    private static MemoryStream Read(ZipArchive archive, string name, string path)
    {
        ZipArchiveEntry entry = archive.GetEntry(name)
            ?? throw new InvalidDataException($"'{path}' is not a .keras file: it has no {name} (it holds [{string.Join(", ", archive.Entries.Select(e => e.FullName))}]).");
        var memory = new MemoryStream();
        try
        {
            using Stream stream = entry.Open();
            stream.CopyTo(memory);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}': the archive's {name} is damaged ({e.Message}).", e);
        }

        memory.Position = 0;
        return memory;
    }

    private static void Write(ZipArchive archive, string name, byte[] bytes)
    {
        using Stream stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
        stream.Write(bytes);
    }
}
