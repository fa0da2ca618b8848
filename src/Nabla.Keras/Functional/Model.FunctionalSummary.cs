using System.Text;

namespace Nabla.Keras;

public partial class Model
{
    // Keras's layer.output_shape in a summary: the shapes of the layer's one call (an input layer's as a list),
    // or "multiple" when its calls made different shapes.
    private static string FunctionalOutputShape(Layer layer)
    {
        IReadOnlyList<Node> nodes = KerasTensors.NodesOf(layer);
        string? text = null;
        foreach (Node node in nodes)
        {
            string shapes = node.Outputs.Length == 1 && !node.IsInput
                ? node.Outputs[0].Shape.ToString()
                : "[" + string.Join(", ", node.Outputs.Select(t => t.Shape.ToString())) + "]";
            if (text is not null && text != shapes)
            {
                return "multiple";
            }

            text = shapes;
        }

        return text ?? "multiple";
    }

    // Keras's "Connected to": for each call of the layer in this model, each input as inbound_layer[node][tensor].
    private string Connections(Layer layer)
    {
        var items = new List<string>();
        foreach (Node node in KerasTensors.NodesOf(layer))
        {
            if (!_functional!.AllNodes.Contains(node))
            {
                continue;
            }

            foreach (Tensor input in node.Inputs)
            {
                KerasHistory history = KerasTensors.HistoryOf(input, Name);
                items.Add($"'{history.Node.Layer.Name}[{history.Node.IndexInLayer}][{history.TensorIndex}]'");
            }
        }

        return new StringBuilder("[").AppendJoin(", ", items).Append(']').ToString();
    }
}
