namespace Nabla.Keras;

/// <summary>
/// The functional API (Keras's <c>Functional</c> model): a model made from Keras tensors, <c>new Model(inputs, outputs)</c>,
/// runs its graph of layers (<see cref="FunctionalGraph"/>) on real tensors, each layer applied in the order the
/// graph gives, its weights shared by every node of the layer.
/// </summary>
public partial class Model
{
    private readonly FunctionalGraph? _functional;

    // The graph's layers, input layers first: a field, so tracking finds their variables in Keras's order.
    private readonly Layer[] _functionalLayers = [];

    /// <summary>The graph of a functional model (null for Sequential and subclassed models); .keras files write its config.</summary>
    internal FunctionalGraph? FunctionalGraph => _functional;

    /// <summary>
    /// A functional model from one input to one output (Keras's <c>Model(inputs=x, outputs=y)</c>): the layers that
    /// lead from <paramref name="inputs"/> to <paramref name="outputs"/> become the model's layers.
    /// </summary>
    /// <param name="inputs">The input Keras tensor, from <see cref="Keras.Input"/>.</param>
    /// <param name="outputs">The output Keras tensor, made by applying layers to the input.</param>
    /// <param name="name">The model's name; <c>model</c>, <c>model_1</c>... by default.</param>
    /// <exception cref="ArgumentException">When a tensor is not a Keras tensor, the output cannot be computed from the input, or two layers share a name.</exception>
    public Model(Tensor inputs, Tensor outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], [outputs ?? throw new ArgumentNullException(nameof(outputs))], name)
    {
    }

    /// <summary>
    /// A functional model with several inputs and outputs (Keras's <c>Model(inputs=[a, b], outputs=[y1, y2])</c>):
    /// <see cref="Layer.Apply(IReadOnlyList{Tensor}, bool)"/> and <c>Fit</c> take the inputs in this order, and the
    /// outputs are named after the layers that make them (<see cref="OutputNames"/>).
    /// </summary>
    /// <param name="inputs">The input Keras tensors, from <see cref="Keras.Input"/>.</param>
    /// <param name="outputs">The output Keras tensors.</param>
    /// <param name="name">The model's name; <c>model</c>, <c>model_1</c>... by default.</param>
    /// <exception cref="ArgumentException">When a tensor is not a Keras tensor, an input repeats, an output cannot be computed from the inputs, or two layers share a name.</exception>
    public Model(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, string? name = null)
        : this(name)
    {
        _functional = FunctionalGraph.Map(Name, inputs, outputs);
        _functionalLayers = _functional.Layers;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Layer layer in _functionalLayers)
        {
            if (!names.Add(layer.Name))
            {
                int count = _functionalLayers.Count(l => l.Name == layer.Name);
                throw new ArgumentException(
                    $"Model {Name}: the name \"{layer.Name}\" is used {count} times in the model. All layer names should be unique.");
            }
        }

        InputNames = [.. _functional.Inputs.Select(t => KerasTensors.HistoryOf(t, Name).Node.Layer.Name)];
        OutputNames = UniqueOutputNames(_functional.Outputs);

        // Each input is converted to its own dtype when the model runs, not to the model's.
        Autocast = false;
        EnsureBuilt(_functional.Inputs[0].Shape);
    }

    /// <summary>Whether the model was made from Keras tensors (<c>new Model(inputs, outputs)</c>).</summary>
    public bool IsFunctional => _functional is not null;

    /// <summary>A functional model's input Keras tensors (Keras's <c>model.inputs</c>); empty for other models.</summary>
    public IReadOnlyList<Tensor> Inputs => _functional?.Inputs ?? [];

    /// <summary>A functional model's output Keras tensors (Keras's <c>model.outputs</c>); empty for other models.</summary>
    public IReadOnlyList<Tensor> Outputs => _functional?.Outputs ?? [];

    /// <summary>The names of a functional model's inputs: their input layers' names (Keras's <c>input_names</c>).</summary>
    public IReadOnlyList<string> InputNames { get; } = [];

    /// <summary>
    /// The names of a functional model's outputs: the names of the layers that make them (Keras's <c>output_names</c>);
    /// they prefix the per-output entries of the training logs (<c>dense_1_loss</c>, <c>dense_1_accuracy</c>).
    /// </summary>
    public IReadOnlyList<string> OutputNames { get; } = [];

    /// <summary>The layer named <paramref name="name"/> (Keras's <c>get_layer(name=...)</c>), searched among the model's layers.</summary>
    /// <exception cref="ArgumentException">When no layer has that name.</exception>
    public Layer GetLayer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<Layer> layers = SummaryLayers;
        foreach (Layer layer in layers)
        {
            if (layer.Name == name)
            {
                return layer;
            }
        }

        throw new ArgumentException(
            $"No such layer: {name}. Existing layers are: [{string.Join(", ", layers.Select(l => $"'{l.Name}'"))}].", nameof(name));
    }

    /// <summary>The layer at <paramref name="index"/> in the model's layers (Keras's <c>get_layer(index=...)</c>, input layers included).</summary>
    /// <exception cref="ArgumentException">When the index is out of range.</exception>
    public Layer GetLayer(int index)
    {
        IReadOnlyList<Layer> layers = SummaryLayers;
        return index >= 0 && index < layers.Count
            ? layers[index]
            : throw new ArgumentException(
                $"Was asked to retrieve layer at index {index} but model only has {layers.Count} layers.", nameof(index));
    }

    /// <summary>
    /// Calls the model on its inputs and returns every output, in <see cref="Outputs"/>' order (Keras's
    /// <c>outputs = model([a, b])</c> for a model of several outputs). On Keras tensors it adds the model to a graph
    /// as one layer.
    /// </summary>
    /// <param name="inputs">One tensor per input, in <see cref="Inputs"/>' order.</param>
    /// <param name="training">Whether the call is for training.</param>
    public Tensor[] ApplyOutputs(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (KerasTensors.AnyKerasTensor(inputs))
        {
            return SymbolicCall.Apply(this, inputs, (xs, t) => ApplyOutputs(xs, t));
        }

        if (_functional is null)
        {
            return [Apply(inputs, training)];
        }

        Tensor[] all = [];
        ApplyCore(inputs, training, () => (all = RunFunctional(inputs, training))[0]);
        return all;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) =>
        _functional is null ? base.Call(inputs, training) : SingleOutput(RunFunctional([inputs], training));

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        _functional is null ? base.Call(inputs, training) : SingleOutput(RunFunctional(inputs, training));

    private Tensor SingleOutput(Tensor[] outputs) => outputs.Length == 1 ? outputs[0] : throw new InvalidOperationException(
        $"Model {Name} has {outputs.Length} outputs ({string.Join(", ", OutputNames)}): call ApplyOutputs (or Predict with a list of inputs) to get all of them.");

    // Checks and converts the inputs (each to its Keras input's dtype, as Keras's functional model does), then runs the graph.
    private Tensor[] RunFunctional(IReadOnlyList<Tensor> inputs, bool training)
    {
        FunctionalGraph graph = _functional!;
        if (inputs.Count != graph.Inputs.Length)
        {
            throw new ArgumentException(
                $"Layer \"{Name}\" expects {graph.Inputs.Length} input(s) ({string.Join(", ", InputNames)}), but it received {inputs.Count} input tensors.");
        }

        var converted = new Tensor[inputs.Count];
        for (int i = 0; i < converted.Length; i++)
        {
            Tensor x = inputs[i];
            Tensor spec = graph.Inputs[i];
            ArgumentNullException.ThrowIfNull(x, nameof(inputs));
            if (x.DType != spec.DType && x.DType.IsFloating && spec.DType.IsFloating)
            {
                x = Tf.Cast(x, spec.DType);
            }

            if (!spec.Shape.IsCompatibleWith(x.Shape) || x.DType != spec.DType)
            {
                throw new ArgumentException(
                    $"Input {i} of layer \"{Name}\" is incompatible with the layer: expected shape={spec.Shape}, dtype={spec.DType} " +
                    $"(input \"{InputNames[i]}\"), found shape={x.Shape}, dtype={inputs[i].DType}.");
            }

            converted[i] = x;
        }

        return graph.Run(converted, training);
    }

    // Output names are their layers' names; a layer making several outputs gets a suffix for the later ones.
    private static string[] UniqueOutputNames(Tensor[] outputs)
    {
        var names = new string[outputs.Length];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = KerasTensors.HistoryOf(outputs[i], "Model").Node.Layer.Name;
            string unique = name;
            for (int k = 1; !used.Add(unique); k++)
            {
                unique = $"{name}_{k}";
            }

            names[i] = unique;
        }

        return names;
    }
}
