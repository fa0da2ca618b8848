using Google.Protobuf;
using Nabla.Keras;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// Writes Nabla models as ONNX files (opset <see cref="Opset"/>): a traced <see cref="ConcreteFunction"/> node by
/// node, or a Keras model traced for inference. Weights and captured tensors become initializers (named after the
/// variables: <c>dense/kernel</c>), nodes keep Nabla's op names, and the batch dimension is symbolic ("batch").
/// An op without an ONNX counterpart throws <see cref="NotSupportedException"/> naming it.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the files import.</summary>
    public const int Opset = 17;

    /// <summary>The Nabla op types (TensorFlow's names, as <see cref="GraphOperation.Type"/> shows them) that export.</summary>
    public static IReadOnlyList<string> ExportableOps => ExportOps.Exportable;

    // The batch a Keras model is traced with when its layers cannot trace an unknown batch (Conv2D): an unusual
    // size, so that a Reshape carrying it through is recognized and made dynamic (see GraphWriter).
    private const int TracedBatch = 3;

    /// <summary>
    /// Writes a Keras model's inference function (<c>Apply(x, training: false)</c>). The input shape is the model's
    /// own (<see cref="Layer.InputShape"/>) unless <paramref name="inputShape"/> (without the batch) is given.
    /// </summary>
    public static void Export(Model model, string path, int[]? inputShape = null, DType? inputDType = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        int[] shape = inputShape ?? FirstInputShape(model)
            ?? throw new ArgumentException($"Export of model '{model.Name}': its input shape is unknown; pass inputShape.", nameof(inputShape));
        DType dtype = inputDType ?? DType.Float32;
        var function = Tf.Function((Tensor x) => model.Apply(x, training: false), name: model.Name);
        ConcreteFunction concrete;
        bool batchTraced = false;
        try
        {
            concrete = function.GetConcreteFunction(new TensorSpec([null, .. shape.Select(d => (int?)d)], dtype, "input"));
        }
        catch (InvalidOperationException)
        {
            // Some ops (Conv2D) do not trace an unknown batch yet: trace a known one and write it as symbolic.
            concrete = function.GetConcreteFunction(new TensorSpec([TracedBatch, .. shape.Select(d => (int?)d)], dtype, "input"));
            batchTraced = true;
        }

        Write(new GraphWriter(concrete.Graph, model.Name, batchTraced ? TracedBatch : null).Build(), path);
    }

    /// <summary>Writes a traced function: its inputs, outputs, captured variables and every operation.</summary>
    public static void Export(ConcreteFunction function, string path)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(path);
        Write(new GraphWriter(function.Graph, function.Graph.Name, tracedBatch: null).Build(), path);
    }

    // A functional model's input is its Keras input (without the batch); a Sequential's, its first layer's input shape.
    private static int[]? FirstInputShape(Model model)
    {
        if (model.Inputs is [Tensor input] && input.Shape.ToNullableArray() is [_, .. int?[] sample] && sample.All(d => d is not null))
        {
            return [.. sample.Select(d => d!.Value)];
        }

        return (model.InputShape ?? (model.Layers.Count > 0 ? model.Layers[0].InputShape : null))?.ToArray();
    }

    private static void Write(ModelProto model, string path)
    {
        // A temporary file, then a rename: a failed export leaves no half-written model behind.
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, model.ToByteArray());
        File.Move(temporary, path, overwrite: true);
    }
}
