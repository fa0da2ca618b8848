using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.saving</c>: registering classes so that a <c>.keras</c> file can name and rebuild them.</summary>
    public static class Saving
    {
        /// <summary>
        /// Registers a layer or model class for <c>.keras</c> files, as Keras's <c>@register_keras_serializable(package)</c>:
        /// saving writes its <see cref="Layer.GetConfig"/> under the registered name <c>package&gt;ClassName</c>, and
        /// <see cref="Models.LoadModel"/> calls <paramref name="fromConfig"/> with that config to rebuild it.
        /// </summary>
        /// <typeparam name="T">The class.</typeparam>
        /// <param name="fromConfig">Makes an instance from its config (Keras's <c>from_config</c>).</param>
        /// <param name="package">The package part of the registered name (Keras's default is <c>Custom</c>).</param>
        /// <returns>The registered name.</returns>
        public static string RegisterKerasSerializable<T>(Func<JsonObject, T> fromConfig, string package = "Custom")
            where T : Layer
        {
            ArgumentNullException.ThrowIfNull(fromConfig);
            ArgumentException.ThrowIfNullOrEmpty(package);
            return LayerFactories.Register(typeof(T), package, config => fromConfig(config));
        }
    }

    /// <summary>Keras's <c>keras.models</c>: whole-model files.</summary>
    public static class Models
    {
        /// <summary>
        /// Loads a model saved with <see cref="ModelFile.Save"/> (Keras 3's <c>.keras</c> zip: <c>config.json</c>,
        /// <c>metadata.json</c>, <c>model.weights.h5</c>), as Keras's <c>keras.models.load_model</c>: the architecture
        /// rebuilt from the config, the weights loaded, and, with <paramref name="compile"/>, the model compiled again
        /// with its optimizer's state restored so that training resumes where it stopped.
        /// </summary>
        /// <param name="path">The <c>.keras</c> file.</param>
        /// <param name="compile">Whether to compile the model as it was compiled when saved.</param>
        /// <exception cref="InvalidDataException">When the file is not a valid <c>.keras</c> archive, or its config or weights are damaged.</exception>
        /// <exception cref="NotSupportedException">When the config names a layer class Nabla cannot rebuild.</exception>
        public static Model LoadModel(string path, bool compile = true) => ModelFile.Load(path, compile);
    }
}
