using System.Diagnostics.CodeAnalysis;
using Nabla.Keras.Distribute;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// A layer (Keras's <c>tf.keras.layers.Layer</c>): a callable that owns variables. The variables and nested layers
/// it holds in its fields (directly, or in lists, arrays and dictionaries of them) are found when queried, by
/// walking the fields, base class fields first and then in declaration order: no registration calls.
/// </summary>
[DynamicallyAccessedMembers(TrackedMembers)]
public abstract partial class Layer
{
    /// <summary>The members that tracking reads; kept by the trimmer on every subclass.</summary>
    internal const DynamicallyAccessedMemberTypes TrackedMembers =
        DynamicallyAccessedMemberTypes.NonPublicFields | DynamicallyAccessedMemberTypes.PublicFields;

    // Variables made by AddWeight, in creation order; a base class field, so they come first.
    private readonly List<Variable> _weights = [];
    private bool _trainable = true;

    /// <summary>Creates a layer named <paramref name="name"/> or, by default, after its class (<c>dense</c>, <c>dense_1</c>...).</summary>
    /// <param name="name">The layer's name; <c>null</c> for a unique name made from the class name.</param>
    /// <param name="inputShape">The shape of one sample (no batch dimension); the layer builds in its constructor when given.</param>
    /// <param name="dtype">The dtype of its weights and computations; float32 by default, as Keras.</param>
    protected Layer(string? name = null, int[]? inputShape = null, DType? dtype = null)
    {
        HasExplicitName = name is not null;
        Name = name ?? Backend.UniqueName(Backend.ToSnakeCase(GetType().Name));
        InputShape = inputShape is null ? (Shape?)null : new Shape(inputShape);
        DType = dtype ?? DType.Float32;
    }

    /// <summary>The layer's name, which prefixes its variables' names (<c>dense/kernel:0</c>).</summary>
    public string Name { get; }

    /// <summary>Whether <see cref="Name"/> was given rather than made from the class name; weights files check given names.</summary>
    internal bool HasExplicitName { get; }

    /// <summary>
    /// The dtype of the layer's weights and computations (Keras's <c>dtype</c>, float32 by default). <see cref="Apply(Tensor, bool, Tensor)"/>
    /// casts floating inputs of another dtype to it, as Keras's autocasting does, so a <c>double[,]</c> (C#'s default
    /// number type) feeds a float32 layer; integer inputs are left as they are (an <c>Embedding</c> reads indices).
    /// </summary>
    public DType DType { get; }

    /// <summary>Whether <see cref="Apply(Tensor, bool, Tensor)"/> casts floating inputs to <see cref="DType"/> (Keras's <c>autocast</c>); true by default.</summary>
    public bool Autocast { get; set; } = true;

    /// <summary>The shape of one sample given at construction, without the batch dimension; <c>null</c> when not given.</summary>
    public Shape? InputShape { get; }

    /// <summary>Whether <see cref="Build"/> has run.</summary>
    public bool Built { get; private set; }

    /// <summary>The input shape the layer was built for (Keras's <c>build_config</c>); <c>null</c> before it is built.</summary>
    internal Shape? BuildInputShape { get; private set; }

    /// <summary>
    /// Whether the layer trains. Freezing a layer (<c>false</c>) moves all its variables, nested layers' included,
    /// to <see cref="NonTrainableVariables"/>; the variables' own <see cref="Variable.Trainable"/> flags are unchanged.
    /// </summary>
    public bool Trainable
    {
        get => _trainable;
        set => _trainable = value;
    }

    /// <summary>All variables: <see cref="TrainableVariables"/> then <see cref="NonTrainableVariables"/>, as Keras's <c>variables</c>.</summary>
    public IReadOnlyList<Variable> Variables => [.. TrainableVariables, .. NonTrainableVariables];

    /// <summary>The variables an optimizer updates: this layer's own trainable ones, then its nested layers'.</summary>
    public IReadOnlyList<Variable> TrainableVariables
    {
        get
        {
            var result = new List<Variable>();
            LayerTracker.Collect(this, trainable: true, result, new HashSet<object>(ReferenceEqualityComparer.Instance));
            return result;
        }
    }

    /// <summary>The variables not trained: those marked non-trainable, and every variable of a frozen layer.</summary>
    public IReadOnlyList<Variable> NonTrainableVariables
    {
        get
        {
            var result = new List<Variable>();
            LayerTracker.Collect(this, trainable: false, result, new HashSet<object>(ReferenceEqualityComparer.Instance));
            return result;
        }
    }

    /// <summary>The variables (Keras's <c>weights</c>); the same list as <see cref="Variables"/>.</summary>
    public IReadOnlyList<Variable> Weights => Variables;

    /// <summary>Keras's <c>trainable_weights</c>: the same list as <see cref="TrainableVariables"/>.</summary>
    public IReadOnlyList<Variable> TrainableWeights => TrainableVariables;

    /// <summary>Keras's <c>non_trainable_weights</c>: the same list as <see cref="NonTrainableVariables"/>.</summary>
    public IReadOnlyList<Variable> NonTrainableWeights => NonTrainableVariables;

    /// <summary>The layers held in this layer's fields (directly nested only), in declaration order.</summary>
    public IReadOnlyList<Layer> Layers => LayerTracker.DirectLayers(this);

    /// <summary>The current values of <see cref="Variables"/>, as Keras's <c>get_weights</c>.</summary>
    public Tensor[] GetWeights()
    {
        IReadOnlyList<Variable> variables = Variables;
        var values = new Tensor[variables.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = variables[i].ReadValue();
        }

        return values;
    }

    /// <summary>Assigns <paramref name="weights"/> to <see cref="Variables"/>, in order, as Keras's <c>set_weights</c>.</summary>
    /// <exception cref="ArgumentException">When the count, a shape or a dtype does not match.</exception>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        IReadOnlyList<Variable> variables = Variables;
        if (weights.Count != variables.Count)
        {
            throw new ArgumentException(
                $"Layer {Name} SetWeights: expected {variables.Count} weights, got {weights.Count}.", nameof(weights));
        }

        for (int i = 0; i < weights.Count; i++)
        {
            variables[i].Assign(weights[i]);
        }
    }

    /// <summary>
    /// Builds the layer if needed (from <paramref name="inputs"/>'s shape), then calls it, as Keras's <c>__call__</c>:
    /// an outermost call first clears the call-time losses (<see cref="AddLoss(Tensor)"/>, activity penalties) of this
    /// layer and its nested layers, and the <see cref="ActivityRegularizer"/>'s penalty of the outputs is added after.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="training">Whether the call is for training (dropout-like layers behave differently).</param>
    /// <param name="mask">
    /// The inputs' mask (Keras's <c>mask</c> argument); by default the mask attached to <paramref name="inputs"/> by the
    /// layer that made them (<see cref="Backend.GetKerasMask"/>). See <see cref="SupportsMasking"/>.
    /// </param>
    public Tensor Apply(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // Keras tensors build a node of the functional graph. The mask is read before autocasting, which makes a new tensor.
        return ApplySymbolic(inputs, training, mask)
            ?? CallWithLosses(CastInputs(inputs), training, mask ?? Backend.GetKerasMask(inputs), call: null);
    }

    /// <summary>Keras's autocasting: a floating input of another dtype is cast to <see cref="DType"/>; other inputs pass unchanged.</summary>
    /// <param name="inputs">The inputs.</param>
    private protected Tensor CastInputs(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Autocast && inputs.DType.IsFloating && inputs.DType != DType && DType.IsFloating ? Tf.Cast(inputs, DType) : inputs;
    }

    /// <summary>
    /// The forward computation; <see cref="Apply(Tensor, bool, Tensor)"/> builds the layer first. The base layer passes its inputs
    /// through unchanged, as Keras's <c>Layer.call</c> does, so a layer that only holds variables (API.md's
    /// <c>MyLayer</c>) needs no override.
    /// </summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="training">Whether the call is for training.</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name for the forward method (layer.call).")]
    public virtual Tensor Call(Tensor inputs, bool training = false) => inputs;

    /// <summary>Creates the layer's weights for inputs of shape <paramref name="inputShape"/> (batch dimension first).</summary>
    /// <param name="inputShape">The input shape; a layer built from <see cref="InputShape"/> sees a batch dimension of 1.</param>
    public virtual void Build(Shape inputShape)
    {
    }

    /// <summary>Runs <see cref="Build"/> once: a later call with another shape does nothing.</summary>
    public void EnsureBuilt(Shape inputShape)
    {
        if (!Built)
        {
            // Weights are created once, with eager initial values, even when the first call is being traced
            // (Keras builds under tf.init_scope for the same reason): an initializer is not part of the step.
            using (Tf.InitScope())
            {
                Build(inputShape);
            }

            Built = true;
            BuildInputShape = inputShape;
        }
    }

    /// <summary>Builds from <see cref="InputShape"/> when it was given (call at the end of a subclass constructor).</summary>
    protected void BuildFromInputShape()
    {
        if (InputShape is { } shape)
        {
            EnsureBuilt(new Shape([1, .. shape.ToArray()]));
        }
    }

    /// <summary>Creates a variable named <c>{layer}/{name}</c> and tracks it as this layer's weight.</summary>
    /// <param name="name">The weight's name within the layer (<c>kernel</c>).</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="initializer">Its initial value; <see cref="GlorotUniform"/> by default, as Keras.</param>
    /// <param name="trainable">Whether optimizers update it.</param>
    /// <param name="dtype">Its dtype; the layer's <see cref="DType"/> by default.</param>
    /// <param name="regularizer">A penalty on the weight, added to <see cref="Losses"/> (computed from its current value when queried).</param>
    public Variable AddWeight(string name, Shape shape, Initializer? initializer = null, bool trainable = true, DType? dtype = null,
        Regularizer? regularizer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        initializer ??= new GlorotUniform();
        Tensor value = initializer.Initialize(shape, dtype ?? DType);
        var variable = new Variable(value, trainable: trainable, name: $"{Name}/{name}");

        // Under a distribution strategy every worker starts from the chief's initial value (a mirrored variable).
        Distribution.Current?.SynchronizeVariables([variable]);
        _weights.Add(variable);
        if (regularizer is not null)
        {
            AddLoss(() => regularizer.Call(variable));
        }

        return variable;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{GetType().Name} '{Name}'>";
}
