namespace Nabla.Keras;

/// <summary>
/// A stack of layers applied in order (Keras's <c>Sequential</c>). When the first layer was given an input shape,
/// every layer is built as soon as it is added, so <see cref="Layer.Variables"/> lists all weights at once.
/// </summary>
public class Sequential : Model
{
    private readonly List<Layer> _layers = [];

    // The output shape of each layer at the last call (batch dimension first), for Summary.
    private readonly List<Shape?> _outputShapes = [];

    /// <summary>Creates the model from <paramref name="layers"/>.</summary>
    public Sequential(params Layer[] layers)
        : this(layers, null)
    {
    }

    /// <summary>Creates the model from <paramref name="layers"/> with a name (<c>sequential</c>... by default).</summary>
    public Sequential(IEnumerable<Layer> layers, string? name)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (Layer layer in layers)
        {
            Add(layer);
        }
    }

    /// <summary>Appends <paramref name="layer"/>; builds the stack when the input shape is known.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        _outputShapes.Add(null);
        if (_layers[0].InputShape is { } shape)
        {
            // Keras builds the model symbolically; here a batch of one zero sample flows through the layers.
            Apply(Tf.Zeros(new Shape([1, .. shape.ToArray()])));

            // That call's activity losses and stateful layers' states are not the user's: Keras's symbolic build makes none.
            ClearCallLosses();
            ResetStates();
        }
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Tensor x = inputs;
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].Apply(x, training);
            _outputShapes[i] = x.Shape;
        }

        return x;
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<Layer> SummaryLayers => _layers;

    /// <inheritdoc/>
    private protected override Shape? OutputShapeOf(int index) => _outputShapes[index];
}
